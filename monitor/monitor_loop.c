/* See monitor_loop.h. */
#include "monitor_loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "control.h"
#include "domwatch.h"
#include "log.h"
#include "monitor_handoff.h"
#include "pty.h"

#define POLL_MAX (EXEC_LINKS_MAX + 32 + DNS_PENDING_MAX)
#define DRAIN_MS 5000          /* output still queued when the guest is gone */

long monitor_elapsed_ms(const struct monitor *m)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - m->t0.tv_sec) * 1000 + (t.tv_nsec - m->t0.tv_nsec) / 1000000;
}

/* ------------------------------------------------------------ the guest */

static void guest_exit(struct monitor *m, const uint8_t *p, size_t len)
{
	if (!exit_guest_report(&m->exit, p, len))
		return;
	/* The container has ended: its output came before this frame and its
	 * root disk dies with it, so nothing is gained by waiting for the
	 * guest's own poweroff (sync, device shutdown: most of the time from
	 * exit to the caller seeing it, tests/bench). The domain is destroyed. */
	m->done = true;
	phase_begin(&m->ph);
	log_debug("monitor: exit report (%s %d) at %ld ms",
		  m->exit.status.kind == VXN_EXIT_SIGNAL ? "signal" : "code", m->exit.status.value,
		  monitor_elapsed_ms(m));
}

static void stream0_frame(struct monitor *m, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	switch (h->type) {
	case VXN_F_HELLO:
		m->hello = true;
		log_debug("monitor: guest-init connected at %ld ms", monitor_elapsed_ms(m));
		phase_end(&m->ph, "setup-to-hello");
		break;
	case VXN_F_STDOUT:
		if (!m->stdout_seen) {
			m->stdout_seen = true;
			phase_end(&m->ph, "hello-to-first-stdout");
		}
		/* fall through */
	case VXN_F_STDERR:
		if (!stdio_guest_output(&m->io, h->type, p, h->len)) {
			log_error("container %s: the guest sent output past its window of %u "
				  "bytes, which guest-init never does: ending it", m->h->id,
				  VXN_STREAM_WINDOW);
			m->exit.guest_failed = true;
		}
		break;
	case VXN_F_CREDIT:
		if (!stdio_guest_credit(&m->io, p, h->len))
			m->exit.guest_failed = true;
		break;
	case VXN_F_ERROR:
		exit_guest_error(m->h, &m->exit, p, h->len);
		break;
	case VXN_F_EXEC_STARTED:
		if (h->len != 0)
			m->exit.guest_failed = true;
		else
			exit_note_process_started(m->h);
		phase_end(&m->ph, "hello-to-exec");
		break;
	case VXN_F_EXIT:
		guest_exit(m, p, h->len);
		break;
	case VXN_F_DNS_QUERY:
		if (!dns_guest_query(&m->dns, p, h->len, monitor_elapsed_ms(m)))
			m->exit.guest_failed = true;
		break;
	default:  /* host -> guest types coming back */
		m->exit.guest_failed = true;
	}
}

static void handle_frame(struct monitor *m, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	if (h->stream != 0 || h->type == VXN_F_PS_REPLY || h->type == VXN_F_STATS_REPLY) {
		if (!execs_guest_frame(&m->execs, m->ch, h, p))
			m->exit.guest_failed = true;
	} else {
		stream0_frame(m, h, p);
	}
	if (m->exit.guest_failed) {
		log_error("container %s: protocol error from the guest (frame type %u)", m->h->id,
			  h->type);
		m->done = true;
	}
}

/* Every frame is taken from the channel at once: the guest keeps each
 * stream's output within its window (vxn-proto.h), which the output buffers
 * hold, so a stalled reader holds back its own stream only. */
static void channel_pump(struct monitor *m)
{
	struct vxn_frame_hdr h;
	const uint8_t *p;
	struct vxn_err err;
	int r = 0;

	while (!m->exit.guest_failed && (r = channel_next_frame(m->ch, &h, &p, &err)) == 1)
		handle_frame(m, &h, p);
	if (!m->exit.guest_failed && r < 0) {
		log_error("container %s: %s", m->h->id, err.msg);
		m->exit.guest_failed = m->done = true;
	}
	if (channel_out_pending(m->ch) && channel_flush(m->ch, &err))
		log_debug("monitor: %s", err.msg);
}

/* ------------------------------------------------------------ control */

static int send_signal(struct monitor *m, int signo, bool all, struct vxn_err *err)
{
	struct vxn_signal s = { .signo = signo, .all = all };
	uint8_t buf[VXN_SIGNAL_BYTES];
	size_t len = vxn_signal_encode(&s, buf);

	log_debug("monitor: signal %d%s to the guest", signo, all ? " (all)" : "");
	return channel_send(m->ch, VXN_F_SIGNAL, 0, buf, (uint32_t)len, err);
}

/* Requests that keep their connection: exec sessions and ps. true when req
 * was one of them (fd is then taken care of). */
static bool handle_session_request(struct monitor *m, const char *req, int fd)
{
	char reply[CONTROL_MSG_MAX];

	if (strcmp(req, "exec") == 0) {
		if (execs_adopt(&m->execs, fd) == 0)
			return true;
		control_reply(fd, "error: too many exec sessions");
	} else if (strcmp(req, "ps") == 0 || strcmp(req, "stats") == 0) {
		if (!m->hello) {
			control_reply(fd, "error: the guest is not up yet");
		} else {
			execs_query(&m->execs, m->ch, fd, strcmp(req, "ps") == 0 ?
				    VXN_F_PS_REQUEST : VXN_F_STATS_REQUEST);
			return true;
		}
	} else if (strcmp(req, "pids") == 0) {
		snprintf(reply, sizeof(reply), "ok %d", (int)getpid());
		execs_pids(&m->execs, reply, sizeof(reply));
		control_reply(fd, reply);
	} else {
		return false;
	}
	close(fd);
	return true;
}

static void handle_control(struct monitor *m)
{
	char req[CONTROL_MSG_MAX], reply[CONTROL_MSG_MAX + 16], all[8] = "";
	struct vxn_err err;
	int signo, fd, n = 0;

	fd = control_accept(m->ctl_fd, req, sizeof(req));
	if (fd < 0 || handle_session_request(m, req, fd))
		return;
	if (sscanf(req, "signal %d%n %3s%n", &signo, &n, all, &n) < 1 || req[n] != '\0' ||
	    signo < 1 || signo > 64 || (*all && strcmp(all, "all"))) {
		control_reply(fd, "error: bad request");
	} else if (signo == SIGKILL) {
		/* reply first: the domain's destruction takes a while */
		control_reply(fd, "ok");
		log_debug("monitor: KILL requested");
		m->exit.killed = m->done = true;
	} else if (send_signal(m, signo, *all != '\0', &err)) {
		snprintf(reply, sizeof(reply), "error: %s", err.msg);
		control_reply(fd, reply);
	} else {
		control_reply(fd, "ok");
	}
	close(fd);
}

/* The caller resized the pty it holds: tell the guest's pty. */
static void send_winsize(struct monitor *m)
{
	struct vxn_winsize w;
	uint8_t buf[VXN_WINSIZE_BYTES];
	struct vxn_err err;

	if (pty_get_size(m->pty_fd, &w.rows, &w.cols))
		return;
	log_debug("monitor: window size %ux%u", w.rows, w.cols);
	if (channel_send(m->ch, VXN_F_WINSIZE, 0, buf, (uint32_t)vxn_winsize_encode(&w, buf), &err))
		log_debug("monitor: winsize: %s", err.msg);
}

static void handle_signalfd(struct monitor *m)
{
	struct signalfd_siginfo si;
	struct vxn_err err;

	while (read(m->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH && m->pty_fd >= 0)
			send_winsize(m);
		else if (send_signal(m, (int)si.ssi_signo, false, &err))
			log_warn("monitor: %s", err.msg);
	}
}

/* ------------------------------------------------------------ the loop */

struct slots {
	int ch, ctl, sig, con, dom, net;
};

static int add_fd(struct pollfd *fds, int *n, int fd)
{
	fds[*n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	return (*n)++;
}

static int loop_timeout(const struct monitor *m)
{
	int t = console_retry_ms(&m->con), left = exit_grace_left_ms(&m->exit);
	int dns = dns_timeout_ms(&m->dns, monitor_elapsed_ms(m));
	int net = netwatch_timeout_ms(&m->netw, monitor_elapsed_ms(m));

	if (m->dom.dw && domwatch_lost(m->dom.dw) && (t < 0 || t > DOMWATCH_POLL_MS))
		t = DOMWATCH_POLL_MS;
	if (left >= 0 && (t < 0 || left < t))
		t = left;
	if (dns >= 0 && (t < 0 || dns < t))
		t = dns;
	if (net >= 0 && (t < 0 || net < t))
		t = net;
	return t;
}

static bool ready(const struct pollfd *fds, int i)
{
	return i >= 0 && fds[i].revents;
}

static void monitor_iteration(struct monitor *m)
{
	struct pollfd fds[POLL_MAX];
	struct slots s = { -1, -1, -1, -1, -1, -1 };
	struct vxn_err err;
	int n = 0, timeout = loop_timeout(m);

	s.ch = add_fd(fds, &n, channel_fd(m->ch));
	s.ctl = add_fd(fds, &n, m->ctl_fd);
	s.sig = add_fd(fds, &n, m->sig_fd);
	/* stdin waits for guest-init, and for room in the outgoing buffer */
	stdio_poll_add(&m->io, m->ch, m->hello, fds, &n);
	bool room = channel_out_space(m->ch) >= VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD;
	/* the slots besides: 3 above, stdio's 3, the DNS queries', 3 below */
	execs_poll_add(&m->execs, fds, &n, POLL_MAX - 9 - DNS_PENDING_MAX, m->hello && room);
	dns_poll_add(&m->dns, fds, &n);
	if (m->con.fd >= 0)
		s.con = add_fd(fds, &n, m->con.fd);
	s.dom = add_fd(fds, &n, domwatch_fd(m->dom.dw));
	s.net = netwatch_poll_add(&m->netw, fds, &n);
	if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
		log_warn("monitor: poll: %s", strerror(errno));
	if (ready(fds, s.ch) && channel_ack(m->ch, &err))
		log_debug("monitor: %s", err.msg);
	stdio_poll_out(&m->io, fds);
	channel_pump(m);
	stdio_poll_in(&m->io, m->ch, fds);
	execs_poll_done(&m->execs, m->ch, fds);
	dns_poll_done(&m->dns, m->ch, fds, monitor_elapsed_ms(m));
	stdio_give_credit(&m->io, m->ch);
	if (ready(fds, s.ctl))
		handle_control(m);
	if (ready(fds, s.sig))
		handle_signalfd(m);
	if (ready(fds, s.con))
		console_read(&m->con);
	netwatch_tick(&m->netw, ready(fds, s.net), monitor_elapsed_ms(m), m->h, m->ch);
	console_try_open(&m->con, m->dom.dw);
	if ((ready(fds, s.dom) || domwatch_lost(m->dom.dw)) &&
	    exit_domain_changed(&m->dom, monitor_elapsed_ms(m)))
		m->done = true;
	if (exit_grace_left_ms(&m->exit) == 0) {
		log_warn("monitor: the guest reported its exit but did not power off");
		m->done = true;
	}
}

/* What the guest sent before it went down is written out, within DRAIN_MS
 * for a reader that stalls. */
static void drain_output(struct monitor *m)
{
	long t0 = monitor_elapsed_ms(m);

	for (;;) {
		struct pollfd fds[2];
		int n = 0;

		channel_pump(m);
		for (int i = 0; i < 2; i++)
			if (outbuf_pending(&m->io.out[i]))
				fds[n++] = (struct pollfd){ .fd = m->io.out[i].fd, .events = POLLOUT };
		if (n == 0)
			return;
		long left = DRAIN_MS - (monitor_elapsed_ms(m) - t0);
		if (left <= 0) {
			log_warn("monitor: the container's output is not read: %zu bytes dropped",
				 stdio_out_bytes(&m->io));
			return;
		}
		poll(fds, (nfds_t)n, (int)left);
		for (int i = 0; i < 2; i++)
			outbuf_flush(&m->io.out[i]);
	}
}

void monitor_run(struct monitor *m)
{
	while (!m->done)
		monitor_iteration(m);
	if (!m->exit.killed && m->ch)
		drain_output(m);
	if (m->con.fd >= 0)
		console_read(&m->con);
}
