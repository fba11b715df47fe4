#include "channel.h"

#include <errno.h>
#include <libxenvchan.h>
#include <stdlib.h>
#include <time.h>

#include "vchan-ring.h"
#include "vxn-proto.h"

struct channel {
	struct libxenvchan *vc;
};

struct channel *channel_open(int timeout_ms, struct vxn_err *err)
{
	const struct timespec step = { 0, 10 * 1000 * 1000 };
	struct channel *ch = calloc(1, sizeof *ch);

	if (!ch) {
		err_set(err, ENOMEM, "channel");
		return NULL;
	}
	/* A relative xenstore path is resolved in our own home,
	 * /local/domain/<domid>/, so we need not know our domid. */
	for (int waited = 0; !ch->vc && waited <= timeout_ms; waited += 10) {
		ch->vc = libxenvchan_client_init(NULL, 0, VXN_XS_CHANNEL);
		if (!ch->vc)
			nanosleep(&step, NULL);
	}
	if (!ch->vc) {
		err_set(err, errno, "connect to the host channel (xenstore %s)", VXN_XS_CHANNEL);
		free(ch);
		return NULL;
	}
	/* client_init leaves this field unset */
	ch->vc->blocking = 0;
	return ch;
}

void channel_close(struct channel *ch)
{
	if (!ch)
		return;
	libxenvchan_close(ch->vc);
	free(ch);
}

int channel_fd(const struct channel *ch)
{
	return libxenvchan_fd_for_select(ch->vc);
}

void channel_event(struct channel *ch)
{
	libxenvchan_wait(ch->vc);
}

bool channel_is_open(const struct channel *ch)
{
	return libxenvchan_is_open(ch->vc) != 0;
}

int channel_send(struct channel *ch, struct byteq *out)
{
	if (!channel_is_open(ch))
		return -1;
	if (out->len == 0)
		return 0;
	/* may write only part: the rest stays queued, and the library has asked
	 * the host to notify us when it makes room */
	int n = libxenvchan_write(ch->vc, out->data, out->len);
	if (n < 0)
		return -1;
	byteq_drop(out, (size_t)n);
	return n;
}

size_t channel_frame_room(struct channel *ch)
{
	return channel_is_open(ch) ? vchan_ring_frame_room(ch->vc) : 0;
}

ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max)
{
	return vchan_ring_read_frame(ch->vc, fd, type, stream, max);
}

int channel_recv(struct channel *ch, struct byteq *in)
{
	size_t room = byteq_room(in);

	if (room == 0)
		return 0;
	int n = libxenvchan_read(ch->vc, in->data + in->len, room);
	if (n < 0)
		return -1;
	in->len += (size_t)n;
	return n;
}

bool channel_drained(const struct channel *ch)
{
	int space = libxenvchan_buffer_space(ch->vc);
	return space >= 0 && space == (1 << ch->vc->write.order);
}
