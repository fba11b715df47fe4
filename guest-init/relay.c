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
#include "cpus.h"
#include "podctr.h"
#include "sessions.h"

#define OUT_CAP (VXN_RING_OUT_BYTES + VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)  /* a ring and a frame */
#define IN_CAP (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)
#define POLL_MS 250
#define NET_RETRY_MS 20  /* a hot-plugged NIC's device awaited (net.h) */
#define PFD_MAX (4 + 3 * (1 + RELAY_MAX_EXEC))  /* channel, SIGCHLD, uevents, DNS, 3 per session */
#define PFD_FIXED 4

static uint8_t out_storage[OUT_CAP];
static uint8_t in_storage[IN_CAP];
static uint8_t stdin_storage[RELAY_STDIN_CAP];

void relay_init(struct relay *r, struct channel *ch, int sigfd)
{
	memset(r, 0, sizeof *r);
	r->ch = ch;
	r->sigfd = sigfd;
	r->uevent_fd = cpu_events_open();
	dns_guest_init(&r->dns);
	r->out = (struct byteq){ out_storage, OUT_CAP, 0 };
	r->in = (struct byteq){ in_storage, IN_CAP, 0 };
	r->s[0].stdin_q = (struct byteq){ stdin_storage, RELAY_STDIN_CAP, 0 };
}

int relay_queue(struct relay *r, uint8_t type, const void *p, size_t n)
{
	return frame_put(&r->out, type, p, n);
}

static void on_signal_frame(struct relay *r, struct session *s, const uint8_t *p, size_t n)
{
	struct vxn_signal sig;

	if (vxn_signal_decode(p, n, &sig) != 0) {
		console_say("ignoring a malformed signal frame");
		return;
	}
	if (sig.all)
		kill(-1, sig.signo);
	else if (!s->exited)
		kill(s->proc.pid, sig.signo);
	(void)r;
}

static void on_winsize_frame(struct session *s, const uint8_t *p, size_t n)
{
	struct vxn_winsize w;

	if (!s->proc.terminal || s->exited || vxn_winsize_decode(p, n, &w) != 0)
		return;
	struct winsize ws = { .ws_row = w.rows, .ws_col = w.cols };
	ioctl(s->proc.out_fd, TIOCSWINSZ, &ws);
}

static void on_credit_frame(struct session *s, const uint8_t *p, size_t n)
{
	uint32_t more;

	if (vxn_credit_decode(p, n, &more) != 0) {
		console_say("ignoring a malformed credit frame");
		return;
	}
	s->credit = vxn_credit_add(s->credit, more, VXN_STREAM_WINDOW);
}

/* A STDIN frame's payload straight into the process's stdin while nothing
 * waits in its queue: one copy fewer than through the queue (tests/bench:
 * stdin). Returns what was written; an error or a full pipe leaves the rest
 * to the queue and pump_stdin, which deals with both. */
static size_t stdin_write_direct(struct session *s, const uint8_t *p, size_t n)
{
	size_t done = 0;

	if (s->stdin_q.len || s->proc.in_fd < 0)
		return 0;
	while (done < n) {
		ssize_t w = write(s->proc.in_fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	s->stdin_taken += (uint32_t)done;
	return done;
}

/* Frames about one stream's process; those of a stream that is gone are
 * dropped (the host may not have seen its EXIT yet). 0: must wait. */
static int on_stream_frame(struct relay *r, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	struct session *s = session_of(r, h->stream);

	if (!s)
		return 1;
	switch (h->type) {
	case VXN_F_STDIN: {
		/* the host keeps within VXN_STDIN_WINDOW, so what is not written
		 * at once fits the queue; what does not (or comes too late) is
		 * dropped and given back, never left in the ring in front of
		 * other frames */
		if (s->stdin_eof || s->exited) {
			s->stdin_taken += h->len;
			return 1;
		}
		size_t done = stdin_write_direct(s, p, h->len);
		if (byteq_push(&s->stdin_q, p + done, h->len - done) != 0)
			s->stdin_taken += h->len - (uint32_t)done;
		return 1;
	}
	case VXN_F_STDIN_EOF:
		s->stdin_eof = true;
		return 1;
	case VXN_F_WINSIZE:
		on_winsize_frame(s, p, h->len);
		return 1;
	case VXN_F_CREDIT:
		on_credit_frame(s, p, h->len);
		return 1;
	default: /* VXN_F_SIGNAL */
		on_signal_frame(r, s, p, h->len);
		return 1;
	}
}

/* Handle one frame; 0 if it must wait (a queue is full), 1 if done. */
static int on_frame(struct relay *r, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	switch (h->type) {
	case VXN_F_STDIN:
	case VXN_F_STDIN_EOF:
	case VXN_F_WINSIZE:
	case VXN_F_SIGNAL:
	case VXN_F_CREDIT:
		return on_stream_frame(r, h, p);
	case VXN_F_EXEC_START:
		return session_exec(r, h->stream, p, h->len);
	case VXN_F_CTR_START:
		return session_ctr_start(r, h->stream, p, h->len);
	case VXN_F_CTR_EXEC:
		return session_ctr_exec(r, h->stream, p, h->len);
	case VXN_F_PS_REQUEST:
		return session_ps(r, h->stream);
	case VXN_F_STATS_REQUEST:
		return session_stats(r, h->stream);
	case VXN_F_DNS_REPLY:
		if (dns_guest_reply(&r->dns, p, h->len) != 0)
			console_say("ignoring a malformed DNS reply frame");
		return 1;
	case VXN_F_NET_ADD: {
		struct vxn_err err;
		if (h->stream != 0 || net_add(&r->nets, p, h->len, &err))
			console_say("a network interface from the host: %s",
				    h->stream ? "not on stream 0" : err.msg);
		return 1;
	}
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

	/* until the ring is empty: the host's event came once for all of it, and
	 * reading one frame's worth per wake-up held stdin to a frame per poll
	 * timeout (0.1 MB/s, tests/bench) */
	for (;;) {
		int n = channel_recv(r->ch, &r->in);
		if (n < 0)
			return err_set(err, 0, "host channel closed");
		while ((k = frame_peek(&r->in, &h, &p)) == 1) {
			if (!on_frame(r, &h, p))
				return 0;
			byteq_drop(&r->in, VXN_FRAME_HDR_BYTES + h.len);
		}
		if (k < 0)
			return err_set(err, EPROTO, "bad frame from the host");
		if (n == 0)
			return 0;
	}
}

static void close_stdin(struct session *s)
{
	if (s->proc.in_fd >= 0 && !s->proc.terminal) {
		close(s->proc.in_fd);
		s->proc.in_fd = -1;
	}
}

static void pump_stdin(struct session *s)
{
	struct proc *p = &s->proc;

	while (s->stdin_q.len && p->in_fd >= 0) {
		ssize_t n = write(p->in_fd, s->stdin_q.data, s->stdin_q.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* the reader is gone: drop what is left */
			s->stdin_taken += (uint32_t)s->stdin_q.len;
			s->stdin_q.len = 0;
			close_stdin(s);
			return;
		}
		byteq_drop(&s->stdin_q, (size_t)n);
		s->stdin_taken += (uint32_t)n;
	}
	if (s->stdin_eof && s->stdin_q.len == 0)
		close_stdin(s);
}

/* Give the host back the stdin the process took: a frame's worth at a time,
 * or all of it once the queue is empty. */
static void give_stdin_credit(struct relay *r, struct session *s)
{
	uint8_t buf[VXN_CREDIT_BYTES];

	if (s->stdin_taken == 0 ||
	    (s->stdin_taken < VXN_FRAME_MAX_PAYLOAD && s->stdin_q.len > 0) ||
	    byteq_room(&r->out) < VXN_FRAME_HDR_BYTES + VXN_CREDIT_BYTES)
		return;
	uint32_t n = s->stdin_taken > VXN_STREAM_WINDOW ? VXN_STREAM_WINDOW : s->stdin_taken;
	frame_put_stream(&r->out, VXN_F_CREDIT, s->stream, buf, vxn_credit_encode(n, buf));
	s->stdin_taken -= n;
}

/* Output goes straight into the ring when nothing is queued ahead of it and
 * the ring has room for at least this much, else through the queue. */
#define DIRECT_MIN 4096u

/* One read of fd as one frame, into the ring or the queue: read's result. */
static ssize_t read_into_frame(struct relay *r, struct session *s, int fd, uint8_t type,
			       size_t max)
{
	size_t room = r->out.len ? 0 : channel_frame_room(r->ch);

	if (room >= max || room >= DIRECT_MIN)
		return channel_read_frame(r->ch, fd, type, s->stream, room < max ? room : max);
	uint8_t *dst = frame_room_for_output(&r->out) ? frame_reserve(&r->out, max) : NULL;
	if (!dst) {
		errno = EAGAIN;
		return -1;
	}
	ssize_t n = read(fd, dst, max);
	if (n > 0)
		frame_commit(&r->out, type, s->stream, (size_t)n);
	return n;
}

/* One read of the process's output into a frame: the bytes read, 0 when
 * there is nothing now (or no room, no credit), -1 at EOF. */
static ssize_t read_output_frame(struct relay *r, struct session *s, int fd, uint8_t type)
{
	/* a frame costs its header too (vxn-proto.h) */
	size_t max = s->credit > VXN_FRAME_HDR_BYTES ? s->credit - VXN_FRAME_HDR_BYTES : 0;

	if (max > VXN_FRAME_MAX_PAYLOAD)
		max = VXN_FRAME_MAX_PAYLOAD;
	if (max == 0)
		return 0;
	ssize_t n = read_into_frame(r, s, fd, type, max);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	/* for tests/bench: how long from exec to the container's first output */
	static bool first_seen;
	if (s->stream == 0 && !first_seen) {
		first_seen = true;
		console_say("first output after %llu ms uptime", (unsigned long long)uptime_ms());
	}
	s->credit -= (uint32_t)n + VXN_FRAME_HDR_BYTES;
	return n;
}

/* Output into frames while the pipe has a frame's worth: several frames go
 * to the host with one notification (tests/bench: stdout throughput); true
 * at EOF (a pty master reports EIO once every slave is closed). */
static bool pump_output(struct relay *r, struct session *s, int fd, uint8_t type)
{
	ssize_t n;

	while ((n = read_output_frame(r, s, fd, type)) == (ssize_t)VXN_FRAME_MAX_PAYLOAD)
		;
	return n < 0;
}

/* A pod's containers still running (CTR_START sessions). */
static bool pod_containers_left(const struct relay *r)
{
	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++)
		if (r->s[i].used && r->s[i].ctr && !r->s[i].exited)
			return true;
	return false;
}

/* `xl shutdown` asks the guest to power off (SIGPWR from main.c's helper):
 * the containers stop as `docker stop` stops one, SIGTERM to each
 * container's process and, RELAY_STOP_GRACE_MS later, SIGKILL to all. In a
 * pod's guest stream 0 is the sandbox's pause process, whose end ends the
 * guest: it gets its SIGTERM once the pod's containers have ended. */
static void stop_begin(struct relay *r)
{
	if (r->stop_deadline_ms)
		return;
	r->stop_deadline_ms = uptime_ms() + RELAY_STOP_GRACE_MS;
	console_say("power off requested (xl shutdown): SIGTERM to the container, SIGKILL "
		    "after %d s", RELAY_STOP_GRACE_MS / 1000);
	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++) {
		const struct session *s = &r->s[i];
		if (s->used && !s->exited && s->ctr && s->proc.pid > 0)
			kill(s->proc.pid, SIGTERM);
	}
}

static void stop_check(struct relay *r)
{
	const struct session *m = &r->s[0];

	if (!r->stop_deadline_ms || r->stop_killed)
		return;
	if (uptime_ms() >= r->stop_deadline_ms) {
		r->stop_killed = true;
		console_say("grace period over: SIGKILL");
		kill(-1, SIGKILL);
	} else if (!r->stop_main_termed && !pod_containers_left(r)) {
		r->stop_main_termed = true;
		if (m->used && !m->exited && m->proc.pid > 0)
			kill(m->proc.pid, SIGTERM);
	}
}

static void reap(struct relay *r)
{
	struct signalfd_siginfo si;
	int st;
	pid_t pid;

	while (read(r->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
		if (si.ssi_signo == SIGPWR)
			stop_begin(r);
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct session *s = session_of_pid(r, pid);
		if (!s)
			continue;
		s->exited = true;
		s->wstatus = st;
		s->drain_deadline_ms = uptime_ms() + RELAY_DRAIN_MS;
		/* like the end of a PID namespace: nothing outlives the process */
		if (s == &r->s[0])
			kill(-1, SIGKILL);
		else
			podctr_exited(r, s);
	}
}

/* Which session and which of its fds a pollfd stands for. */
struct slot {
	struct session *s;
	int which;  /* 0 stdin, 1 stdout (or pty), 2 stderr */
};

static void add_pfd(struct pollfd *pfd, struct slot *slots, int *n, struct session *s,
		    int which, int fd, short ev)
{
	pfd[*n] = (struct pollfd){ fd, ev, 0 };
	slots[*n] = (struct slot){ s, which };
	(*n)++;
}

static void session_pollfds(const struct relay *r, struct session *s, struct pollfd *pfd,
			    struct slot *slots, int *n)
{
	const struct proc *p = &s->proc;
	/* backpressure: while the host is slow, or this stream's reader is
	 * (no credit), leave output in the pipes */
	bool room = frame_room_for_output(&r->out) && s->credit > VXN_FRAME_HDR_BYTES;
	short out_ev = 0;

	if (!s->out_eof && room)
		out_ev |= POLLIN;
	if (p->terminal && s->stdin_q.len)
		out_ev |= POLLOUT;  /* a pty master shares in and out */
	else if (s->stdin_q.len && p->in_fd >= 0)
		add_pfd(pfd, slots, n, s, 0, p->in_fd, POLLOUT);
	if (out_ev && p->out_fd >= 0)
		add_pfd(pfd, slots, n, s, 1, p->out_fd, out_ev);
	if (!s->err_eof && room && p->err_fd >= 0)
		add_pfd(pfd, slots, n, s, 2, p->err_fd, POLLIN);
}

/* t, or the milliseconds left until deadline when that is sooner. */
static int sooner(uint64_t now, uint64_t deadline, int t)
{
	if (now >= deadline)
		return 0;
	return deadline - now < (uint64_t)t ? (int)(deadline - now) : t;
}

static int poll_timeout(const struct relay *r)
{
	uint64_t now = uptime_ms();
	int t = POLL_MS;

	if (r->stop_deadline_ms && !r->stop_killed)
		t = sooner(now, r->stop_deadline_ms, t);
	if (r->nets.n)
		t = sooner(now, now + NET_RETRY_MS, t);
	for (size_t i = 0; i <= RELAY_MAX_EXEC; i++) {
		const struct session *s = &r->s[i];
		if (s->used && s->exited)
			t = sooner(now, s->drain_deadline_ms, t);
	}
	return t;
}

static void handle_ready(struct relay *r, const struct pollfd *pfd, const struct slot *slots,
			 int n)
{
	if (pfd[0].revents)
		channel_event(r->ch);
	if (pfd[1].revents)
		reap(r);
	if (pfd[2].revents)
		cpu_events_handle(r->uevent_fd);
	if (pfd[3].revents)
		dns_guest_read(&r->dns, &r->out, uptime_ms());
	for (int i = PFD_FIXED; i < n; i++) {
		struct session *s = slots[i].s;
		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (slots[i].which == 1 && !s->out_eof)
			s->out_eof = pump_output(r, s, s->proc.out_fd, VXN_F_STDOUT);
		else if (slots[i].which == 2)
			s->err_eof = pump_output(r, s, s->proc.err_fd, VXN_F_STDERR);
	}
}

/* One round: host frames in, stdin out, finished execs reported, queued
 * frames to the host. */
int relay_pump(struct relay *r, struct vxn_err *err)
{
	if (pump_host_input(r, err) != 0)
		return -1;
	for (size_t i = 0; i <= RELAY_MAX_EXEC; i++)
		if (r->s[i].used) {
			pump_stdin(&r->s[i]);
			give_stdin_credit(r, &r->s[i]);
		}
	sessions_finish(r);
	stop_check(r);
	if (r->nets.n)
		net_pending_retry(&r->nets);
	if (channel_send(r->ch, &r->out) < 0)
		return err_set(err, 0, "host channel closed");
	return 0;
}

int relay_wait(struct relay *r, int max_ms, struct vxn_err *err)
{
	struct pollfd pfd[PFD_MAX];
	struct slot slots[PFD_MAX];
	int n = 0, t = poll_timeout(r);

	add_pfd(pfd, slots, &n, NULL, -1, channel_fd(r->ch), POLLIN);
	add_pfd(pfd, slots, &n, NULL, -1, r->sigfd, POLLIN);
	add_pfd(pfd, slots, &n, NULL, -1, r->uevent_fd, POLLIN);  /* -1: ignored */
	add_pfd(pfd, slots, &n, NULL, -1, r->dns.fd, POLLIN);
	for (size_t i = 0; i <= RELAY_MAX_EXEC; i++)
		if (r->s[i].used)
			session_pollfds(r, &r->s[i], pfd, slots, &n);
	int k = poll(pfd, (nfds_t)n, max_ms >= 0 && max_ms < t ? max_ms : t);
	if (k < 0 && errno != EINTR)
		return err_set(err, errno, "poll");
	if (k > 0)
		handle_ready(r, pfd, slots, n);
	return 0;
}

static bool main_done(const struct relay *r)
{
	const struct session *m = &r->s[0];

	return m->exited && ((m->out_eof && m->err_eof) || uptime_ms() >= m->drain_deadline_ms);
}

void relay_start(struct relay *r, const struct proc *p)
{
	r->s[0].used = true;
	r->s[0].credit = VXN_STREAM_WINDOW;
	r->s[0].proc = *p;
	r->s[0].err_eof = p->err_fd < 0;
}

int relay_run(struct relay *r, struct proc *p, struct vxn_exit *result,
	      struct vxn_err *err)
{
	relay_start(r, p);
	reap(r); /* it may have exited already (a failed exec) */
	for (;;) {
		if (relay_pump(r, err) != 0)
			return -1;
		if (main_done(r))
			break;
		if (relay_wait(r, -1, err) != 0)
			return -1;
	}
	session_exit_of(&r->s[0], result);
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
