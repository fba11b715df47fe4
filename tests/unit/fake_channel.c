/* See fake_channel.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_channel.h"

#define GUEST_CAP (64u << 20)

struct channel {
	uint8_t out[CHANNEL_OUT_CAP];
	size_t out_len;
	size_t ring_room;   /* bytes the ring takes now */
	bool closed;
	uint8_t *guest;     /* what went into the ring, in order */
	size_t guest_len;
};

struct channel *fake_channel_new(size_t ring_room)
{
	struct channel *ch = calloc(1, sizeof *ch);

	assert_non_null(ch);
	ch->guest = malloc(GUEST_CAP);
	assert_non_null(ch->guest);
	ch->ring_room = ring_room;
	return ch;
}

void fake_channel_free(struct channel *ch)
{
	free(ch->guest);
	free(ch);
}

void fake_channel_ring_add(struct channel *ch, size_t n)
{
	ch->ring_room += n;
}

void fake_channel_close_peer(struct channel *ch)
{
	ch->closed = true;
}

const uint8_t *fake_channel_guest_bytes(const struct channel *ch, size_t *len)
{
	*len = ch->guest_len;
	return ch->guest;
}

int fake_channel_guest_frame(const struct channel *ch, size_t *off, struct vxn_frame_hdr *h,
			     const uint8_t **p)
{
	if (*off == ch->guest_len)
		return 0;
	assert_true(ch->guest_len - *off >= VXN_FRAME_HDR_BYTES);
	assert_int_equal(vxn_frame_hdr_decode(ch->guest + *off, h), 0);
	assert_true(ch->guest_len - *off - VXN_FRAME_HDR_BYTES >= h->len);
	*p = ch->guest + *off + VXN_FRAME_HDR_BYTES;
	*off += VXN_FRAME_HDR_BYTES + h->len;
	return 1;
}

/* Into the ring, as far as it has room. */
static void deliver(struct channel *ch, const uint8_t *p, size_t n)
{
	assert_true(ch->guest_len + n <= GUEST_CAP);
	memcpy(ch->guest + ch->guest_len, p, n);
	ch->guest_len += n;
	ch->ring_room -= n;
}

int channel_flush(struct channel *ch, struct vxn_err *err)
{
	if (ch->closed)
		return err_set(err, EPIPE, "vchan write: the guest closed the channel");
	size_t n = ch->out_len < ch->ring_room ? ch->out_len : ch->ring_room;
	deliver(ch, ch->out, n);
	memmove(ch->out, ch->out + n, ch->out_len - n);
	ch->out_len -= n;
	return 0;
}

size_t channel_out_space(const struct channel *ch)
{
	return CHANNEL_OUT_CAP - ch->out_len;
}

size_t channel_out_pending(const struct channel *ch)
{
	return ch->out_len;
}

int channel_send(struct channel *ch, uint8_t type, uint16_t stream, const void *payload,
		 uint32_t len, struct vxn_err *err)
{
	struct vxn_frame_hdr h = { .type = type, .stream = stream, .len = len };

	if (len > VXN_FRAME_MAX_PAYLOAD || channel_out_space(ch) < VXN_FRAME_HDR_BYTES + len)
		return err_set(err, ENOBUFS, "channel: outgoing buffer full");
	vxn_frame_hdr_encode(&h, ch->out + ch->out_len);
	if (len)
		memcpy(ch->out + ch->out_len + VXN_FRAME_HDR_BYTES, payload, len);
	ch->out_len += VXN_FRAME_HDR_BYTES + len;
	return channel_flush(ch, err);
}

size_t channel_frame_room(struct channel *ch)
{
	if (ch->out_len || ch->closed || ch->ring_room <= VXN_FRAME_HDR_BYTES)
		return 0;
	size_t room = ch->ring_room - VXN_FRAME_HDR_BYTES;
	return room < VXN_FRAME_MAX_PAYLOAD ? room : VXN_FRAME_MAX_PAYLOAD;
}

ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max)
{
	static uint8_t buf[VXN_FRAME_MAX_PAYLOAD];
	uint8_t hdr[VXN_FRAME_HDR_BYTES];

	assert_true(max > 0 && max <= channel_frame_room(ch));
	ssize_t n = read(fd, buf, max);
	if (n <= 0)
		return n;
	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = type, .stream = stream,
						      .len = (uint32_t)n }, hdr);
	deliver(ch, hdr, sizeof hdr);
	deliver(ch, buf, (size_t)n);
	return n;
}
