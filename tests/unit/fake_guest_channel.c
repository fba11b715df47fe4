/* See fake_guest_channel.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest_channel.h"

#define CAP (64u << 20)

struct channel {
	uint8_t *in;          /* from the host, not yet received */
	size_t in_len, in_off;
	uint8_t *host;        /* what went into the ring, in order */
	size_t host_len;
	size_t ring_room;
	bool closed;
};

struct channel *fake_guest_channel_new(size_t ring_room)
{
	struct channel *ch = calloc(1, sizeof *ch);

	assert_non_null(ch);
	ch->in = malloc(CAP);
	ch->host = malloc(CAP);
	assert_non_null(ch->in);
	assert_non_null(ch->host);
	ch->ring_room = ring_room;
	return ch;
}

void fake_guest_channel_free(struct channel *ch)
{
	free(ch->in);
	free(ch->host);
	free(ch);
}

void fake_guest_channel_host_writes(struct channel *ch, const void *p, size_t n)
{
	assert_true(ch->in_len + n <= CAP);
	memcpy(ch->in + ch->in_len, p, n);
	ch->in_len += n;
}

void fake_guest_channel_host_frame(struct channel *ch, uint8_t type, uint16_t stream,
				   const void *p, uint32_t len)
{
	uint8_t hdr[VXN_FRAME_HDR_BYTES];

	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = type, .stream = stream, .len = len },
			     hdr);
	fake_guest_channel_host_writes(ch, hdr, sizeof hdr);
	if (len)
		fake_guest_channel_host_writes(ch, p, len);
}

void fake_guest_channel_ring_add(struct channel *ch, size_t n)
{
	ch->ring_room += n;
}

void fake_guest_channel_close(struct channel *ch)
{
	ch->closed = true;
}

int fake_guest_channel_host_got(const struct channel *ch, size_t *off, struct vxn_frame_hdr *h,
				const uint8_t **p)
{
	if (*off == ch->host_len)
		return 0;
	assert_true(ch->host_len - *off >= VXN_FRAME_HDR_BYTES);
	assert_int_equal(vxn_frame_hdr_decode(ch->host + *off, h), 0);
	assert_true(ch->host_len - *off - VXN_FRAME_HDR_BYTES >= h->len);
	*p = ch->host + *off + VXN_FRAME_HDR_BYTES;
	*off += VXN_FRAME_HDR_BYTES + h->len;
	return 1;
}

static void deliver(struct channel *ch, const void *p, size_t n)
{
	assert_true(n <= ch->ring_room && ch->host_len + n <= CAP);
	memcpy(ch->host + ch->host_len, p, n);
	ch->host_len += n;
	ch->ring_room -= n;
}

int channel_fd(const struct channel *ch)
{
	(void)ch;
	return -1;  /* nothing to poll: the test says when the host wrote */
}

void channel_event(struct channel *ch)
{
	(void)ch;
}

bool channel_is_open(const struct channel *ch)
{
	return !ch->closed;
}

int channel_send(struct channel *ch, struct byteq *out)
{
	if (ch->closed)
		return -1;
	size_t n = out->len < ch->ring_room ? out->len : ch->ring_room;
	deliver(ch, out->data, n);
	byteq_drop(out, n);
	return (int)n;
}

size_t channel_frame_room(struct channel *ch)
{
	if (ch->closed || ch->ring_room <= VXN_FRAME_HDR_BYTES)
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

int channel_recv(struct channel *ch, struct byteq *in)
{
	size_t avail = ch->in_len - ch->in_off, room = byteq_room(in);

	if (avail == 0)
		return ch->closed ? -1 : 0;
	size_t n = avail < room ? avail : room;
	memcpy(in->data + in->len, ch->in + ch->in_off, n);
	in->len += n;
	ch->in_off += n;
	return (int)n;
}

bool channel_drained(const struct channel *ch)
{
	(void)ch;
	return true;
}
