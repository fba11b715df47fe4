#include "exec_client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "vxn-proto.h"
#include "control.h"
#include "exit_like.h"
#include "log.h"
#include "pidfile.h"
#include "pty.h"
#include "signals.h"

#define SIZE_POLL_MS 500
#define MSG_MAX (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)

struct client {
	const struct exec_client_opts *o;
	int sock, sig_fd;
	int in_fd, out_fd, err_fd;
	int tty_fd;                 /* whose size the guest's pty follows, -1 */
	bool ctty;                  /* resizes arrive as SIGWINCH */
	bool raw_stdin;             /* fd 0 put in raw mode: restore at the end */
	struct termios saved;
	bool in_open, started;
	int notify_fd;              /* o->notify_fd, or the gate once open; -1 after */
	uint16_t rows, cols;
	char error[VXN_ERROR_MAX + 1];
	uint8_t *held;              /* a STDIN (or STDIN_EOF) message the socket did
				     * not take yet, MSG_MAX bytes */
	size_t held_len;
};

static int send_frame(int sock, uint8_t type, const void *p, size_t len)
{
	struct vxn_frame_hdr h = { .type = type, .len = (uint32_t)len };
	uint8_t hdr[VXN_FRAME_HDR_BYTES];
	struct iovec iov[2] = { { hdr, sizeof hdr }, { (void *)p, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	vxn_frame_hdr_encode(&h, hdr);
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			poll(&pf, 1, 1000);
		} else if (n < 0 && errno != EINTR) {
			return;  /* reader gone: drop */
		}
	}
}

static void restore_terminal(struct client *c)
{
	if (c->raw_stdin)
		tcsetattr(0, TCSANOW, &c->saved);
	c->raw_stdin = false;
}

static void notify(struct client *c, const char *what)
{
	if (c->notify_fd < 0)
		return;
	if (write(c->notify_fd, what, strlen(what)) < 0)
		log_debug("exec: notify: %s", strerror(errno));
	close(c->notify_fd);
	c->notify_fd = -1;
}

static void send_size(struct client *c, bool only_if_changed)
{
	uint16_t rows, cols;
	struct vxn_winsize w;
	uint8_t buf[VXN_WINSIZE_BYTES];

	if (c->tty_fd < 0 || pty_get_size(c->tty_fd, &rows, &cols) || (!rows && !cols))
		return;
	if (only_if_changed && rows == c->rows && cols == c->cols)
		return;
	c->rows = rows;
	c->cols = cols;
	w = (struct vxn_winsize){ rows, cols };
	send_frame(c->sock, VXN_F_WINSIZE, buf, vxn_winsize_encode(&w, buf));
}

static int terminal_setup(struct client *c, struct vxn_err *err)
{
	const struct exec_client_opts *o = c->o;
	int master, slave;

	if (!o->console_socket) {
		if (!isatty(0))
			return err_set(err, 0, "--tty needs a terminal on stdin, or --console-socket");
		if (o->rows && o->cols)
			pty_set_size(0, o->rows, o->cols);
		if (pty_make_raw(0, &c->saved, err))
			return -1;
		c->raw_stdin = true;
		c->tty_fd = 0;
		c->ctty = true;  /* our terminal: we are its foreground job */
		return 0;
	}
	/* Left behind (--detach), we let go of our stdio: the caller waits for
	 * its EOF (pty.h). First, so that the pair cannot land on fds 0-2. In
	 * the foreground, stderr still carries our errors. */
	if (((o->notify_fd >= 0 || o->gate) && pty_release_stdio(err)) ||
	    pty_open_pair(&master, &slave, err))
		return -1;
	if (o->rows && o->cols)
		pty_set_size(slave, o->rows, o->cols);
	int r = pty_make_raw(slave, NULL, err);
	if (r == 0)
		r = pty_send_fd(o->console_socket, master, err);
	close(master);
	if (r) {
		close(slave);
		return -1;
	}
	c->in_fd = c->out_fd = c->err_fd = c->tty_fd = slave;
	c->ctty = pty_take_ctty(slave);
	return 0;
}

static int signals_setup(struct client *c, struct vxn_err *err)
{
	sigset_t set;

	/* signals sent to us are meant for the process, as with runc exec */
	sigemptyset(&set);
	forwarded_signals_add(&set);
	if (c->o->gate)
		sigaddset(&set, VXN_RELAY_SIGNAL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	c->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return c->sig_fd < 0 ? err_set(err, errno, "signalfd") : 0;
}

/* Blocks until `start` opens the gate for reading: then the process may
 * start, and the gate carries the outcome back ("S" or "E<text>"). */
static int gate_pass(const char *gate, struct vxn_err *err)
{
	int fd;

	while ((fd = open(gate, O_WRONLY | O_CLOEXEC)) < 0 && errno == EINTR)
		;
	return fd < 0 ? err_set(err, errno, "open %s", gate) : fd;
}

static int session_open(struct client *c, struct vxn_err *err)
{
	c->sock = control_connect(c->o->state_dir, err);
	if (c->sock < 0)
		return err->errnum == ENOENT || err->errnum == ECONNREFUSED
		       ? err_set(err, 0, "cannot exec in a stopped container") : -1;
	if (send(c->sock, "exec", 4, MSG_NOSIGNAL) < 0)
		return err_set(err, errno, "talking to the container's monitor");
	if (c->o->ready_fd >= 0) {
		if (write(c->o->ready_fd, "R", 1) != 1)
			return err_set(err, errno, "telling create");
		close(c->o->ready_fd);
	}
	if (c->o->gate && (c->notify_fd = gate_pass(c->o->gate, err)) < 0)
		return -1;
	uint8_t type = c->o->start_type ? c->o->start_type : VXN_F_EXEC_START;
	if (send_frame(c->sock, type, c->o->launch, c->o->launch_len) < 0)
		return err_set(err, errno, "talking to the container's monitor");
	return 0;
}

static _Noreturn void finish(struct client *c, const struct vxn_exit *e)
{
	char msg[VXN_ERROR_MAX + 2];

	restore_terminal(c);
	snprintf(msg, sizeof(msg), "E%s", c->error);
	if (!c->started)
		notify(c, msg);
	log_debug("exec: process ended (status %d)", vxn_exit_status(e));
	exit_like(e);
}

static void on_started(struct client *c)
{
	struct vxn_err err;

	c->started = true;
	c->in_open = true;
	if (c->o->pid_file && pidfile_write(c->o->pid_file, getpid(), &err))
		log_warn("exec: %s", err.msg);
	send_size(c, false);
	notify(c, "S");
}

/* One message from the monitor: 1 to go on, -1 when it broke the protocol. */
static int on_message(struct client *c, const uint8_t *buf, size_t n, struct vxn_err *err)
{
	struct vxn_frame_hdr h;
	struct vxn_exit e;
	const uint8_t *p = buf + VXN_FRAME_HDR_BYTES;

	if (n >= 7 && memcmp(buf, "error: ", 7) == 0)
		return err_set(err, 0, "%.*s", (int)(n - 7 > 200 ? 200 : n - 7), buf + 7);
	if (n < VXN_FRAME_HDR_BYTES || vxn_frame_hdr_decode(buf, &h) ||
	    n != VXN_FRAME_HDR_BYTES + h.len)
		return err_set(err, EPROTO, "malformed message from the monitor");
	switch (h.type) {
	case VXN_F_EXEC_STARTED: on_started(c); break;
	case VXN_F_STDOUT: write_all(c->out_fd, p, h.len); break;
	case VXN_F_STDERR: write_all(c->err_fd, p, h.len); break;
	case VXN_F_ERROR:
		vxn_error_text_decode(p, h.len, c->error, sizeof(c->error));
		log_error("exec failed: %s", c->error);
		break;
	case VXN_F_EXIT:
		if (vxn_exit_decode(p, h.len, &e))
			return err_set(err, EPROTO, "malformed exit report");
		finish(c, &e);
	default:
		return err_set(err, EPROTO, "unexpected frame %u from the monitor", h.type);
	}
	return 1;
}

/* Send the held message if the socket takes it now. A monitor that takes
 * no more stdin (the guest's window is used up, monitor_exec.h) leaves it
 * held; a monitor that is gone drops it (its EOF comes on the socket). */
static void send_held(struct client *c)
{
	ssize_t n = send(c->sock, c->held, c->held_len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		c->held_len = 0;
}

static void hold(struct client *c, uint8_t type, size_t len)
{
	struct vxn_frame_hdr h = { .type = type, .len = (uint32_t)len };

	vxn_frame_hdr_encode(&h, c->held);
	c->held_len = VXN_FRAME_HDR_BYTES + len;
}

/* One read of stdin as a STDIN message (at EOF a STDIN_EOF), sent without
 * blocking: while it is held, stdin is not read but the socket still is, so
 * the process's output keeps flowing (a blocking send here stopped it, and a
 * process that writes before it reads on then waited for ever). */
static void on_input(struct client *c)
{
	ssize_t n = read(c->in_fd, c->held + VXN_FRAME_HDR_BYTES, VXN_FRAME_MAX_PAYLOAD);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		hold(c, VXN_F_STDIN, (size_t)n);
	} else {
		c->in_open = false;
		if (c->tty_fd >= 0 && c->tty_fd != 0)
			return;
		hold(c, VXN_F_STDIN_EOF, 0);
	}
	send_held(c);
}

static void on_signals(struct client *c)
{
	struct signalfd_siginfo si;

	while (read(c->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		struct vxn_signal s = { .signo = (int32_t)si.ssi_signo };
		/* `vxn kill` of a pod container: any signal, KILL included,
		 * queued as the relay signal's value */
		if ((int)si.ssi_signo == VXN_RELAY_SIGNAL) {
			if (si.ssi_code != SI_QUEUE || si.ssi_int < 1 || si.ssi_int > 64)
				continue;
			s.signo = si.ssi_int;
		}
		uint8_t buf[VXN_SIGNAL_BYTES];

		if (si.ssi_signo == SIGWINCH && c->tty_fd >= 0)
			send_size(c, false);
		else if (si.ssi_signo != SIGWINCH)
			send_frame(c->sock, VXN_F_SIGNAL, buf, vxn_signal_encode(&s, buf));
	}
}

static int relay(struct client *c, struct vxn_err *err)
{
	static uint8_t buf[MSG_MAX + 1];

	for (;;) {
		struct pollfd fds[3] = {
			{ c->sock, (short)(POLLIN | (c->held_len ? POLLOUT : 0)), 0 },
			{ c->sig_fd, POLLIN, 0 },
			{ c->started && c->in_open && !c->held_len ? c->in_fd : -1, POLLIN, 0 },
		};
		bool poll_size = c->tty_fd >= 0 && !c->ctty && c->started;
		if (poll(fds, 3, poll_size ? SIZE_POLL_MS : -1) < 0 && errno != EINTR)
			return err_set(err, errno, "poll");
		if ((fds[0].revents & POLLOUT) && c->held_len)
			send_held(c);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(c->sock, buf, sizeof(buf), 0);
			/* ECONNRESET: the monitor closed its end with one of our
			 * messages unread. Linux reports that once, before the
			 * messages still queued for us (the process's last output
			 * and its EXIT): read on (lab: an exec's status came out
			 * as 137, podman exec lost its stderr). */
			if (n < 0 && (errno == EINTR || errno == ECONNRESET))
				continue;
			if (n <= 0)
				break;
			if (on_message(c, buf, (size_t)n, err) < 0)
				return -1;
		}
		if (fds[1].revents)
			on_signals(c);
		if (fds[2].revents)
			on_input(c);
		if (poll_size)
			send_size(c, true);
	}
	if (!c->started)
		return err_set(err, 0, "the container stopped before the process started");
	/* the container ended under it: like a process killed with its PID namespace */
	struct vxn_exit killed = { VXN_EXIT_SIGNAL, SIGKILL };
	finish(c, &killed);
}

int exec_client_run(const struct exec_client_opts *o, struct vxn_err *err)
{
	static uint8_t held[MSG_MAX];
	struct client c = { .o = o, .sock = -1, .sig_fd = -1, .notify_fd = o->notify_fd,
			    .in_fd = 0, .out_fd = 1,
			    .err_fd = 2, .tty_fd = -1, .held = held };
	int r;

	r = signals_setup(&c, err);
	if (r == 0 && o->terminal)
		r = terminal_setup(&c, err);
	if (r == 0)
		r = session_open(&c, err);
	if (r == 0)
		r = relay(&c, err);
	restore_terminal(&c);
	if (c.started)  /* cannot happen: relay ends through finish() once started */
		_exit(255);
	/* a pod container's `start` waits at the gate for why */
	char msg[VXN_ERROR_MAX + 2];
	snprintf(msg, sizeof msg, "E%s", err->msg);
	notify(&c, msg);
	return -1;
}
