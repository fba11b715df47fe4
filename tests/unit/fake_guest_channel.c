/* See fake_guest_channel.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_guest_channel.h"

#define IN_CAP (64u << 20)

struct channel {
	uint8_t *in;            /* from the host, not yet received */
	size_t in_len, in_off;
	struct fake_ring ring;  /* what the host reads */
	bool closed;
};

struct channel *fake_guest_channel_new(size_t ring_room)
{
	struct channel *ch = calloc(1, sizeof *ch);

	assert_non_null(ch);
	ch->in = malloc(IN_CAP);
	assert_non_null(ch->in);
	fake_ring_init(&ch->ring, ring_room);
	return ch;
}

void fake_guest_channel_free(struct channel *ch)
{
	free(ch->in);
	fake_ring_free(&ch->ring);
	free(ch);
}

void fake_guest_channel_host_writes(struct channel *ch, const void *p, size_t n)
{
	assert_true(ch->in_len + n <= IN_CAP);
	memcpy(ch->in + ch->in_len, p, n);
	ch->in_len += n;
}
void fake_guest_channel_host_frame(struct channel *ch, uint8_t type, uint16_t stream,
				   const void *p, uint32_t len)
{
	size_t n = vxn_frame_put(ch->in + ch->in_len, IN_CAP - ch->in_len, type, stream, p, len);

	assert_true(n > 0);
	ch->in_len += n;
}

void fake_guest_channel_ring_add(struct channel *ch, size_t n)
{
	ch->ring.room += n;
}

void fake_guest_channel_close(struct channel *ch)
{
	ch->closed = true;
}

int fake_guest_channel_host_got(const struct channel *ch, struct fake_frame *f)
{
	return fake_ring_frame(&ch->ring, f);
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
	size_t n = out->len < ch->ring.room ? out->len : ch->ring.room;
	fake_ring_put(&ch->ring, out->data, n);
	byteq_drop(out, n);
	return (int)n;
}

size_t channel_frame_room(struct channel *ch)
{
	return ch->closed ? 0 : fake_ring_frame_room(&ch->ring);
}

ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max)
{
	assert_true(max <= channel_frame_room(ch));
	return fake_ring_read_frame(&ch->ring, fd, type, stream, max);
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
