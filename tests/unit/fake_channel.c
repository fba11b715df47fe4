/* See fake_channel.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_channel.h"

struct channel {
	uint8_t out[CHANNEL_OUT_CAP];
	size_t out_len;
	bool closed;
	struct fake_ring ring;   /* what guest-init reads */
};

struct channel *fake_channel_new(size_t ring_room)
{
	struct channel *ch = calloc(1, sizeof *ch);

	assert_non_null(ch);
	fake_ring_init(&ch->ring, ring_room);
	return ch;
}

void fake_channel_free(struct channel *ch)
{
	fake_ring_free(&ch->ring);
	free(ch);
}

void fake_channel_ring_add(struct channel *ch, size_t n)
{
	ch->ring.room += n;
}

void fake_channel_close_peer(struct channel *ch)
{
	ch->closed = true;
}

int fake_channel_guest_frame(const struct channel *ch, struct fake_frame *f)
{
	return fake_ring_frame(&ch->ring, f);
}

int channel_flush(struct channel *ch, struct vxn_err *err)
{
	if (ch->closed)
		return err_set(err, EPIPE, "vchan write: the guest closed the channel");
	size_t n = ch->out_len < ch->ring.room ? ch->out_len : ch->ring.room;
	fake_ring_put(&ch->ring, ch->out, n);
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
	size_t n = vxn_frame_put(ch->out + ch->out_len, channel_out_space(ch), type, stream,
				 payload, len);

	if (n == 0)
		return err_set(err, ENOBUFS, "channel: outgoing buffer full");
	ch->out_len += n;
	return channel_flush(ch, err);
}

size_t channel_frame_room(struct channel *ch)
{
	return ch->out_len || ch->closed ? 0 : fake_ring_frame_room(&ch->ring);
}

ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max)
{
	assert_true(max <= channel_frame_room(ch));
	return fake_ring_read_frame(&ch->ring, fd, type, stream, max);
}
