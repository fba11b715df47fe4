#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

#define OUT_CAP (4 * (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD))
#define IN_CAP (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)
#define STDIN_CAP (4 * VXN_FRAME_MAX_PAYLOAD)
/* After the process exits, how long its leftover output may take. */
#define DRAIN_MS 5000
#define POLL_MS 250

static uint8_t out_storage[OUT_CAP];
static uint8_t in_storage[IN_CAP];
static uint8_t stdin_storage[STDIN_CAP];

void relay_init(struct relay *r, struct channel *ch, int sigfd)
{
	memset(r, 0, sizeof *r);
	r->ch = ch;
	r->sigfd = sigfd;
	r->out = (struct byteq){ out_storage, OUT_CAP, 0 };
	r->in = (struct byteq){ in_storage, IN_CAP, 0 };
	r->stdin_q = (struct byteq){ stdin_storage, STDIN_CAP, 0 };
}

int relay_queue(struct relay *r, uint8_t type, const void *p, size_t n)
{
	return frame_put(&r->out, type, p, n);
}

static void on_signal_frame(struct relay *r, const uint8_t *p, size_t n)
{
	struct vxn_signal s;

	if (vxn_signal_decode(p, n, &s) != 0) {
		console_say("ignoring a malformed signal frame");
		return;
	}
	if (s.all)
		kill(-1, s.signo);
	else if (!r->exited)
		kill(r->proc->pid, s.signo);
}

static void on_winsize_frame(struct relay *r, const uint8_t *p, size_t n)
{
	struct vxn_winsize w;

	if (!r->proc->terminal || vxn_winsize_decode(p, n, &w) != 0)
		return;
	struct winsize ws = { .ws_row = w.rows, .ws_col = w.cols };
	ioctl(r->proc->out_fd, TIOCSWINSZ, &ws);
}

/* Handle one frame; 0 if it must wait (stdin queue full), 1 if done. */
static int on_frame(struct relay *r, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	switch (h->type) {
	case VXN_F_STDIN:
		if (r->stdin_eof || r->exited)
			return 1;
		return byteq_push(&r->stdin_q, p, h->len) == 0;
	case VXN_F_STDIN_EOF:
		r->stdin_eof = true;
		return 1;
	case VXN_F_WINSIZE:
		on_winsize_frame(r, p, h->len);
		return 1;
	case VXN_F_SIGNAL:
		on_signal_frame(r, p, h->len);
		return 1;
	default:
		console_say("ignoring frame type %u from the host", h->type);
		return 1;
	}
}

static int pump_host_input(struct relay *r, struct vxn_err *err)
{
	struct vxn_frame_hdr h;
	const uint8_t *p;
	int k;

	if (channel_recv(r->ch, &r->in) < 0)
		return err_set(err, 0, "host channel closed");
	while ((k = frame_peek(&r->in, &h, &p)) == 1) {
		if (!on_frame(r, &h, p))
			return 0;
		byteq_drop(&r->in, VXN_FRAME_HDR_BYTES + h.len);
	}
	if (k < 0)
		return err_set(err, EPROTO, "bad frame from the host");
	return 0;
}

static void close_stdin(struct relay *r)
{
	if (r->proc->in_fd >= 0 && !r->proc->terminal) {
		close(r->proc->in_fd);
		r->proc->in_fd = -1;
	}
}

static void pump_stdin(struct relay *r)
{
	struct proc *p = r->proc;

	while (r->stdin_q.len && p->in_fd >= 0) {
		ssize_t n = write(p->in_fd, r->stdin_q.data, r->stdin_q.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* the reader is gone: drop what is left */
			r->stdin_q.len = 0;
			close_stdin(r);
			return;
		}
		byteq_drop(&r->stdin_q, (size_t)n);
	}
	if (r->stdin_eof && r->stdin_q.len == 0)
		close_stdin(r);
}

/* Read one chunk of output into a frame; true at EOF (a pty master reports
 * EIO once every slave is closed). */
static bool pump_output(struct relay *r, int fd, uint8_t type)
{
	uint8_t buf[VXN_FRAME_MAX_PAYLOAD];

	if (!frame_room_for_output(&r->out))
		return false;
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0)
		return true;
	frame_put(&r->out, type, buf, (size_t)n);
	return false;
}

static void reap(struct relay *r)
{
	struct signalfd_siginfo si;
	int st;
	pid_t pid;

	while (read(r->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
		;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != r->proc->pid || r->exited)
			continue;
		r->exited = true;
		r->wstatus = st;
		r->drain_deadline_ms = uptime_ms() + DRAIN_MS;
		/* like the end of a PID namespace: nothing outlives the process */
		kill(-1, SIGKILL);
	}
}

enum { PFD_CHANNEL, PFD_SIGNAL, PFD_STDIN, PFD_STDOUT, PFD_STDERR, PFD_COUNT };

static bool outputs_done(const struct relay *r)
{
	return r->out_eof && r->err_eof;
}

static void build_pollfds(const struct relay *r, struct pollfd *pfd)
{
	const struct proc *p = r->proc;
	bool room = frame_room_for_output(&r->out);

	pfd[PFD_CHANNEL] = (struct pollfd){ channel_fd(r->ch), POLLIN, 0 };
	pfd[PFD_SIGNAL] = (struct pollfd){ r->sigfd, POLLIN, 0 };
	pfd[PFD_STDIN] = (struct pollfd){ r->stdin_q.len ? p->in_fd : -1, POLLOUT, 0 };
	/* backpressure: while the host is slow, leave output in the pipes */
	pfd[PFD_STDOUT] = (struct pollfd){ !r->out_eof && room ? p->out_fd : -1, POLLIN, 0 };
	pfd[PFD_STDERR] = (struct pollfd){ !r->err_eof && room ? p->err_fd : -1, POLLIN, 0 };
	/* a pty master shares in/out: its POLLOUT comes through the stdout slot */
	if (p->terminal && pfd[PFD_STDIN].fd >= 0) {
		pfd[PFD_STDOUT].fd = p->out_fd;
		pfd[PFD_STDOUT].events |= POLLOUT;
		pfd[PFD_STDIN].fd = -1;
	}
}

static int poll_timeout(const struct relay *r)
{
	if (!r->exited)
		return POLL_MS;
	uint64_t now = uptime_ms();
	if (now >= r->drain_deadline_ms)
		return 0;
	uint64_t left = r->drain_deadline_ms - now;
	return left < POLL_MS ? (int)left : POLL_MS;
}

static void handle_ready(struct relay *r, const struct pollfd *pfd)
{
	if (pfd[PFD_CHANNEL].revents)
		channel_event(r->ch);
	if (pfd[PFD_SIGNAL].revents)
		reap(r);
	if (pfd[PFD_STDOUT].revents & (POLLIN | POLLHUP | POLLERR))
		r->out_eof = pump_output(r, r->proc->out_fd, VXN_F_STDOUT);
	if (pfd[PFD_STDERR].revents & (POLLIN | POLLHUP | POLLERR))
		r->err_eof = pump_output(r, r->proc->err_fd, VXN_F_STDERR);
}

/* One round: move host frames in, stdin out, queued frames to the host. */
static int pump_all(struct relay *r, struct vxn_err *err)
{
	if (pump_host_input(r, err) != 0)
		return -1;
	pump_stdin(r);
	if (channel_send(r->ch, &r->out) < 0)
		return err_set(err, 0, "host channel closed");
	return 0;
}

static void exit_from_wstatus(int st, struct vxn_exit *e)
{
	if (WIFSIGNALED(st))
		*e = (struct vxn_exit){ VXN_EXIT_SIGNAL, WTERMSIG(st) };
	else
		*e = (struct vxn_exit){ VXN_EXIT_CODE, WEXITSTATUS(st) };
}

int relay_run(struct relay *r, struct proc *p, struct vxn_exit *result,
	      struct vxn_err *err)
{
	struct pollfd pfd[PFD_COUNT];

	r->proc = p;
	r->err_eof = p->err_fd < 0;
	reap(r); /* it may have exited already (a failed exec) */
	for (;;) {
		if (pump_all(r, err) != 0)
			return -1;
		if (r->exited && (outputs_done(r) || uptime_ms() >= r->drain_deadline_ms))
			break;
		build_pollfds(r, pfd);
		int n = poll(pfd, PFD_COUNT, poll_timeout(r));
		if (n < 0 && errno != EINTR)
			return err_set(err, errno, "poll");
		if (n > 0)
			handle_ready(r, pfd);
	}
	exit_from_wstatus(r->wstatus, result);
	return 0;
}

int relay_flush(struct relay *r, int timeout_ms)
{
	uint64_t deadline = uptime_ms() + (uint64_t)timeout_ms;

	for (;;) {
		/* a host that closed the channel after reading everything is done */
		if (!channel_is_open(r->ch))
			return r->out.len == 0 ? 0 : -1;
		if (channel_send(r->ch, &r->out) < 0)
			return -1;
		if (r->out.len == 0 && channel_drained(r->ch))
			return 0;
		uint64_t now = uptime_ms();
		if (now >= deadline)
			return -1;
		struct pollfd pfd = { channel_fd(r->ch), POLLIN, 0 };
		int left = (int)(deadline - now);
		if (poll(&pfd, 1, left < POLL_MS ? left : POLL_MS) > 0)
			channel_event(r->ch);
	}
}
