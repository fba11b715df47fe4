/* See monitor_stdio.h. */
#include "monitor_stdio.h"

#include <errno.h>
#include <unistd.h>

#include "credit.h"
#include "log.h"

int stdio_init(struct mon_stdio *s, int in_fd, int out_fd, int err_fd, bool in_is_pty)
{
	*s = (struct mon_stdio){ .in_fd = in_fd, .in_open = true, .in_is_pty = in_is_pty,
				 .in_credit = VXN_STDIN_WINDOW, .slot_in = -1,
				 .slot_out = { -1, -1 } };
	s->out[0].fd = s->out[1].fd = -1;
	if (outbuf_init(&s->out[0], out_fd) || outbuf_init(&s->out[1], err_fd))
		return -1;
	return 0;
}

void stdio_dispose(struct mon_stdio *s)
{
	for (int i = 0; i < 2; i++)
		outbuf_dispose(&s->out[i]);
}

/* What the monitor owes guest-init, within a window: a guest that sends
 * beyond its window (hostile) gets no more than a window back. */
static void owe(struct mon_stdio *s, uint32_t bytes)
{
	s->out_credit = vxn_credit_add(s->out_credit, bytes, VXN_STREAM_WINDOW);
}

bool stdio_guest_output(struct mon_stdio *s, uint8_t type, const uint8_t *p, uint32_t len)
{
	/* len <= VXN_FRAME_MAX_PAYLOAD (the channel's check): no overflow */
	uint32_t frame = VXN_FRAME_HDR_BYTES + len;

	if (frame > VXN_STREAM_WINDOW - s->out_in_flight)
		return false;
	s->out_in_flight += frame;
	outbuf_write(&s->out[type == VXN_F_STDERR], p, len);
	owe(s, VXN_FRAME_HDR_BYTES);  /* the payload: once taken */
	return true;
}

bool stdio_guest_credit(struct mon_stdio *s, const uint8_t *p, uint32_t len)
{
	uint32_t more;

	if (vxn_credit_decode(p, len, &more))
		return false;
	s->in_credit = vxn_credit_add(s->in_credit, more, VXN_STDIN_WINDOW);
	return true;
}

bool stdio_stdin_wanted(const struct mon_stdio *s, const struct channel *ch, bool hello)
{
	return hello && s->in_open && s->in_credit >= VXN_FRAME_MAX_PAYLOAD &&
	       channel_out_space(ch) >= VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD;
}

static int add_fd(struct pollfd *fds, int *n, int fd, short events)
{
	fds[*n] = (struct pollfd){ .fd = fd, .events = events };
	return (*n)++;
}

void stdio_poll_add(struct mon_stdio *s, const struct channel *ch, bool hello,
		    struct pollfd *fds, int *n)
{
	s->slot_in = stdio_stdin_wanted(s, ch, hello) ? add_fd(fds, n, s->in_fd, POLLIN) : -1;
	for (int i = 0; i < 2; i++)
		s->slot_out[i] = outbuf_pending(&s->out[i]) ?
				 add_fd(fds, n, s->out[i].fd, POLLOUT) : -1;
}

void stdio_poll_out(struct mon_stdio *s, const struct pollfd *fds)
{
	for (int i = 0; i < 2; i++)
		if (s->slot_out[i] >= 0 && fds[s->slot_out[i]].revents)
			outbuf_flush(&s->out[i]);
}

/* One read of stdin as a STDIN frame: straight into the ring when it has
 * room (tests/bench: stdin throughput), else through the channel's
 * outgoing buffer, reading no more than that buffer takes now: its room can
 * have shrunk since stdin was polled (credit frames queued meanwhile), and
 * bytes read that the channel refused would be lost. What is not read stays
 * in stdin for the next round. */
static ssize_t read_stdin_frame(struct mon_stdio *s, struct channel *ch)
{
	uint8_t buf[VXN_FRAME_MAX_PAYLOAD];
	struct vxn_err err;
	size_t max = s->in_credit < sizeof(buf) ? s->in_credit : sizeof(buf);
	size_t room = channel_frame_room(ch), space = channel_out_space(ch);

	if (room)
		max = room < max ? room : max;
	else if (space > VXN_FRAME_HDR_BYTES)
		max = space - VXN_FRAME_HDR_BYTES < max ? space - VXN_FRAME_HDR_BYTES : max;
	else
		max = 0;
	if (max == 0) {  /* a read of 0 bytes would look like EOF */
		errno = EAGAIN;
		return -1;
	}
	if (room)
		return channel_read_frame(ch, s->in_fd, VXN_F_STDIN, 0, max);
	ssize_t n = read(s->in_fd, buf, max);
	/* it fits: channel_send fails only once it is queued, when the guest
	 * has closed its end (the container is going) */
	if (n > 0 && channel_send(ch, VXN_F_STDIN, 0, buf, (uint32_t)n, &err))
		log_debug("monitor: stdin: %s", err.msg);
	return n;
}

void stdio_relay_stdin(struct mon_stdio *s, struct channel *ch)
{
	struct vxn_err err;
	ssize_t n = read_stdin_frame(s, ch);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		s->in_credit -= (uint32_t)n;
		return;
	}
	s->in_open = false;
	if (s->in_is_pty) /* hung up: the SIGHUP that comes with it is forwarded */
		return;
	/* it fits: stdin is read only with room for more than a frame header */
	if (channel_send(ch, VXN_F_STDIN_EOF, 0, NULL, 0, &err))
		log_debug("monitor: stdin eof: %s", err.msg);
}

void stdio_poll_in(struct mon_stdio *s, struct channel *ch, const struct pollfd *fds)
{
	if (s->slot_in >= 0 && fds[s->slot_in].revents)
		stdio_relay_stdin(s, ch);
}

void stdio_give_credit(struct mon_stdio *s, struct channel *ch)
{
	for (int i = 0; i < 2; i++) {
		owe(s, (uint32_t)(s->out[i].taken > VXN_STREAM_WINDOW ? VXN_STREAM_WINDOW
									: s->out[i].taken));
		s->out[i].taken = 0;
	}
	uint32_t owed = s->out_credit;
	credit_give(ch, 0, &s->out_credit);
	/* what is owed was sent first: never more than in flight */
	s->out_in_flight -= owed - s->out_credit;
}

bool stdio_out_pending(const struct mon_stdio *s)
{
	return outbuf_pending(&s->out[0]) || outbuf_pending(&s->out[1]);
}

size_t stdio_out_bytes(const struct mon_stdio *s)
{
	return s->out[0].len + s->out[1].len;
}
