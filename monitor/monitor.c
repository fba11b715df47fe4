/* vxn-monitor: what the monitor is once monitor_start.c has built the
 * domain and exec'd it. It relays stdio, signals and the console until the
 * domain is gone, and exits with the container's wait status. No libxl:
 * domwatch.h watches and pauses the domain, and destroying it is left to
 * vxn itself (`vxn monitor-teardown`, run in a child at the end).
 *
 * It keeps the fds 0/1/2 create was given (the container's stdio) and never
 * writes anything of its own there: its diagnostics go to the log. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "control.h"
#include "domwatch.h"
#include "exit_like.h"
#include "log.h"
#include "monitor_exec.h"
#include "monitor_handoff.h"
#include "pty.h"
#include "outbuf.h"
#include "phase.h"
#include "signals.h"

#define CONSOLE_LOG_MAX (1024 * 1024)
#define EXIT_GRACE_MS 10000     /* EXIT reported, waiting for the poweroff */
#define CONSOLE_RETRY_MS 500
#define CONSOLE_TRIES 40
#define POLL_MAX 64
#define DRAIN_MS 5000          /* output still queued when the guest is gone */
#define SHUTDOWN_REASON_UNKNOWN (-1)
#define FORK_TRIES 5
#define FORK_RETRY_US (200 * 1000)
#define PTS_MAJOR_FIRST 136    /* Linux's Unix98 pty slaves: majors 136-143 */
#define PTS_MAJOR_LAST 143

struct monitor {
	const struct monitor_handoff *h;
	struct timespec t0;
	struct phase ph;  /* setup steps, hello, first output, exit -> monitor exit */
	bool stdout_seen;
	struct domwatch *dw;
	uint32_t domid;
	bool have_domain;
	int loop_fd;
	struct channel *ch;
	int ctl_fd;
	int sig_fd;
	int console_fd;
	int console_tries;
	int console_log;
	size_t console_bytes;
	bool hello;
	bool pooled;            /* a warm pool guest (pool.h) */
	uint8_t *launch;        /* its launch data until arm_pool_guest sends it */
	size_t launch_len;
	int pty_fd;             /* terminal mode: our end of the host pty (its slave) */
	struct exec_links execs;
	bool stdin_open;
	struct outbuf out[2];   /* the container's stdout (fd 1) and stderr (fd 2) */
	uint32_t out_credit;    /* output the readers took, not yet given back (vxn-proto.h) */
	uint32_t stdin_credit;  /* stdin bytes guest-init still takes */
	bool have_exit;
	struct vxn_exit exit;
	struct timespec exit_deadline;
	bool killed;
	bool guest_failed;
	bool done;
	int shutdown_reason;    /* Xen's SHUTDOWN_* code */
};

static long elapsed_ms(const struct monitor *m)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - m->t0.tv_sec) * 1000 + (t.tv_nsec - m->t0.tv_nsec) / 1000000;
}

/* "" when too long: opening it fails */
static char *state_path(const struct monitor *m, const char *name, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s", m->h->state_dir, name) >= len)
		buf[0] = '\0';
	return buf;
}

static void write_small_file(const struct monitor *m, const char *name, const char *text)
{
	char path[PATH_MAX];
	int fd = open(state_path(m, name, path, sizeof(path)),
		      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0)
		log_debug("monitor: write %s: %s", path, strerror(errno));
	close(fd);
}

/* ------------------------------------------------------------ setup */

/* The log monitor_start.c had, again after the exec; the phases go on from
 * the exec. The lock and the loop device stay inheritable: the teardown
 * child (destroy_domain) holds them until the domain is gone. */
static void process_setup(struct monitor *m)
{
	const struct monitor_handoff *h = m->h;
	char path[PATH_MAX];

	log_setup(monitor_log_path(h->log_path, h->state_dir, path, sizeof(path)), h->log_json,
		  h->debug);
	fcntl(h->ready_fd, F_SETFD, FD_CLOEXEC);
	m->t0 = (struct timespec){ .tv_sec = h->t0_sec, .tv_nsec = h->t0_nsec };
	m->ph.t0 = (struct timespec){ .tv_sec = h->exec_sec, .tv_nsec = h->exec_nsec };
	phase_end(&m->ph, "monitor-exec");
}

static int signals_setup(struct monitor *m, struct vxn_err *err)
{
	sigset_t set;

	/* the monitor's signals are the container's, as with runc's init */
	sigemptyset(&set);
	forwarded_signals_add(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return m->sig_fd < 0 ? err_set(err, errno, "signalfd") : 0;
}

static int write_pid_file(const char *pid_file, struct vxn_err *err)
{
	char tmp[PATH_MAX], buf[32];
	int fd, n;

	if (!pid_file[0])
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%d", pid_file, (int)getpid()) >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "pid file %s", pid_file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(err, errno, "pid file %s", tmp);
	n = snprintf(buf, sizeof(buf), "%d", (int)getpid());
	if (write(fd, buf, (size_t)n) != n || close(fd) || rename(tmp, pid_file)) {
		int e = errno;
		unlink(tmp);
		return err_set(err, e, "pid file %s", pid_file);
	}
	return 0;
}

/* The console path is in the guest's part of xenstore (read-only to the
 * guest, but still the guest's): only a /dev/pts/N that is a pty slave is
 * opened. */
static bool console_path_ok(const char *tty)
{
	static const char prefix[] = "/dev/pts/";

	if (strncmp(tty, prefix, sizeof(prefix) - 1) != 0)
		return false;
	const char *num = tty + sizeof(prefix) - 1;
	size_t len = strlen(num);
	return len > 0 && len <= 9 && strspn(num, "0123456789") == len;
}

static bool is_pty_slave(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       major(st.st_rdev) >= PTS_MAJOR_FIRST && major(st.st_rdev) <= PTS_MAJOR_LAST;
}

static void console_try_open(struct monitor *m)
{
	struct termios t;
	char *tty;

	if (m->console_fd >= 0 || m->console_tries >= CONSOLE_TRIES)
		return;
	m->console_tries++;
	tty = domwatch_console_tty(m->dw);
	if (!tty || !*tty) {
		free(tty);
		return;  /* xenconsoled has not published it yet (libxl leaves it "") */
	}
	if (!console_path_ok(tty)) {
		log_warn("monitor: console path is not a pty, ignored");
		m->console_tries = CONSOLE_TRIES;
		free(tty);
		return;
	}
	m->console_fd = open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m->console_fd >= 0 && !is_pty_slave(m->console_fd)) {
		close(m->console_fd);
		m->console_fd = -1;
		errno = ENOTTY;
	}
	if (m->console_fd >= 0 && tcgetattr(m->console_fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(m->console_fd, TCSANOW, &t);
	}
	log_debug("monitor: console %s %s", tty, m->console_fd >= 0 ? "open" : strerror(errno));
	free(tty);
}

/* Terminal mode: the pty's master goes to the console socket; we keep the
 * slave raw (the guest's pty does the line discipline) as our controlling
 * terminal, so the caller's resizes reach us as SIGWINCH. The stdio create
 * was given is let go (pty_release_stdio): the caller waits for its EOF. */
static int terminal_setup(struct monitor *m, struct vxn_err *err)
{
	const struct monitor_handoff *h = m->h;
	int master, r;

	if (!h->terminal)
		return 0;
	/* first, so that the pair cannot land on fds 0-2 */
	if (pty_release_stdio(err) || pty_open_pair(&master, &m->pty_fd, err))
		return -1;
	if (h->rows && h->cols)
		pty_set_size(m->pty_fd, h->rows, h->cols);
	r = pty_make_raw(m->pty_fd, NULL, err);
	if (r == 0)
		r = pty_send_fd(h->console_socket, master, err);
	close(master);
	if (r)
		return -1;
	if (!pty_take_ctty(m->pty_fd))
		log_warn("monitor: the pty is not our controlling terminal: no resizes");
	fcntl(m->pty_fd, F_SETFL, fcntl(m->pty_fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

/* The death watch; and a guest of our own waits, paused, for start: its
 * channel can be up now. A pool guest's guest-init waits until the channel
 * exists, which is published only once the guest is paused and the disk is
 * filled (arm_pool_guest). */
static int watch_domain(struct monitor *m, struct vxn_err *err)
{
	if (domwatch_open(m->domid, &m->dw, err))
		return -1;
	return m->pooled ? 0 : channel_open(m->domid, &m->ch, err);
}

/* After create's confirmation (the root disk is filled): pause the pool
 * guest, then publish the channel with the launch data queued first, which
 * its guest-init reads when start unpauses it. */
static int arm_pool_guest(struct monitor *m, struct vxn_err *err)
{
	int r = -1;

	if (domwatch_pause(m->dw, err) || channel_open(m->domid, &m->ch, err))
		goto out;
	for (size_t off = 0; off < m->launch_len; off += VXN_FRAME_MAX_PAYLOAD) {
		size_t n = m->launch_len - off;
		if (n > VXN_FRAME_MAX_PAYLOAD)
			n = VXN_FRAME_MAX_PAYLOAD;
		if (channel_send(m->ch, VXN_F_LAUNCH, 0, m->launch + off, (uint32_t)n, err))
			goto out;
	}
	r = channel_send(m->ch, VXN_F_LAUNCH_END, 0, NULL, 0, err);
	phase_end(&m->ph, "pool-arm");
out:
	free(m->launch);
	m->launch = NULL;
	return r;
}

static int monitor_setup(struct monitor *m, struct vxn_err *err)
{
	char path[PATH_MAX];

	if (watch_domain(m, err))
		return -1;
	m->ctl_fd = control_listen(m->h->state_dir, err);
	if (m->ctl_fd < 0 || signals_setup(m, err) || terminal_setup(m, err))
		return -1;
	m->console_log = open(state_path(m, MONITOR_CONSOLE_LOG, path, sizeof(path)),
			      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	console_try_open(m);
	/* terminal mode: the container's output goes to the pty (the guest's
	 * pty merges stderr into stdout; fd 2 is /dev/null by now anyway) */
	int out_fd = m->pty_fd >= 0 ? m->pty_fd : 1, err_fd = m->pty_fd >= 0 ? m->pty_fd : 2;
	if (outbuf_init(&m->out[0], out_fd) || outbuf_init(&m->out[1], err_fd))
		return err_set(err, ENOMEM, "output buffers");
	if (write_pid_file(m->h->pid_file, err))
		return -1;
	phase_end(&m->ph, "monitor-setup");
	return 0;
}

/* Create writes one byte once state.json is in place (and the root disk
 * filled); EOF means it died or failed after our report, and the container
 * must not outlive it. */
static bool create_confirmed(const struct monitor *m)
{
	char c;
	ssize_t n;

	while ((n = read(m->h->ready_fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

/* ------------------------------------------------------------ teardown */

/* Everything but the domain and its loop device: the container's stdio,
 * the pty, the channel, exec sessions, the control socket, the console. */
static void release_links(struct monitor *m)
{
	char path[PATH_MAX];

	execs_close_all(&m->execs);
	channel_close(m->ch);
	m->ch = NULL;
	if (m->ctl_fd >= 0) {
		unlink(state_path(m, CONTROL_SOCKET, path, sizeof(path)));
		close(m->ctl_fd);
		m->ctl_fd = -1;
	}
	for (int i = 0; i < 2; i++)
		outbuf_dispose(&m->out[i]);
	int fds[] = { m->pty_fd, m->console_fd, m->console_log, m->sig_fd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	m->pty_fd = m->console_fd = m->console_log = m->sig_fd = -1;
}

/* In the child: `vxn monitor-teardown DOMID NAME LOOP_FD` destroys the
 * domain through libxl and detaches the loop device. It inherits the state
 * dir's lock: delete waits for it, and destroys by name whatever a killed
 * teardown left. */
static _Noreturn void exec_teardown(const struct monitor *m)
{
	const struct monitor_handoff *h = m->h;
	char domid[16], loop[16], log_path[PATH_MAX];
	const char *argv[12];
	int n = 0;
	struct vxn_err err;

	/* the caller waits for EOF on these: nothing of the container's stays open */
	if (pty_release_stdio(&err))
		log_warn("monitor: %s", err.msg);
	snprintf(domid, sizeof(domid), "%u", m->domid);
	snprintf(loop, sizeof(loop), "%d", m->loop_fd);
	argv[n++] = "vxn";
	argv[n++] = "--log";  /* the monitor's own log */
	argv[n++] = monitor_log_path(h->log_path, h->state_dir, log_path, sizeof(log_path));
	if (h->log_json)
		argv[n++] = "--log-format=json";
	if (h->debug)
		argv[n++] = "--debug";
	argv[n++] = "monitor-teardown";
	argv[n++] = domid;
	argv[n++] = h->domain_name;
	argv[n++] = loop;
	argv[n] = NULL;
	execv(h->vxn_path, (char *const *)argv);
	log_warn("monitor: running %s: %s: domain %u is left to delete", h->vxn_path,
		 strerror(errno), m->domid);
	_exit(127);
}

/* Destroys the domain and detaches the loop device, in a child; waits for
 * it when wait is set. false when there is no child. */
static bool destroy_domain(struct monitor *m, bool wait)
{
	pid_t pid;
	int st;

	if (!m->have_domain) {
		close(m->loop_fd);  /* autoclear: the loop device goes with its last user */
		m->loop_fd = -1;
		return true;
	}
	/* fork fails only for want of memory or processes: a few tries */
	for (int tries = 0; (pid = fork()) < 0 && tries < FORK_TRIES; tries++)
		usleep(FORK_RETRY_US);
	if (pid == 0)
		exec_teardown(m);
	if (pid < 0) {
		log_warn("monitor: fork: %s: domain %u is left to delete", strerror(errno),
			 m->domid);
		return false;
	}
	close(m->loop_fd);
	m->loop_fd = -1;
	m->have_domain = false;
	while (wait && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return true;
}

static void monitor_teardown(struct monitor *m)
{
	release_links(m);
	destroy_domain(m, true);
	domwatch_close(m->dw);
	m->dw = NULL;
}

static void log_rss(const struct monitor *m)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			log_debug("monitor: exiting after %ld ms, %s", elapsed_ms(m),
				  line + strspn(line + 6, " \t") + 6);
	fclose(f);
}

/* The container's wait status, recorded in the state directory. */
static int record_exit_status(struct monitor *m)
{
	char text[32];
	int status = 255;

	if (m->killed)
		status = 128 + SIGKILL;
	else if (m->have_exit && !m->guest_failed)
		status = vxn_exit_status(&m->exit);
	else
		log_error("container %s: the guest stopped without reporting an exit status "
			  "(shutdown reason %d); see %s/%s", m->h->id, m->shutdown_reason,
			  m->h->state_dir, MONITOR_CONSOLE_LOG);
	snprintf(text, sizeof(text), "%d\n", status);
	write_small_file(m, MONITOR_EXIT_STATUS, text);
	log_debug("monitor: container %s exit status %d", m->h->id, status);
	return status;
}

static _Noreturn void monitor_exit(struct monitor *m, int status)
{
	if (m->have_exit)
		phase_end(&m->ph, "exit-to-monitor-exit");
	log_rss(m);
	if (status > 128 && status - 128 <= SIGRTMAX &&
	    (m->killed || (m->have_exit && m->exit.kind == VXN_EXIT_SIGNAL)))
		exit_like(&(struct vxn_exit){ .kind = VXN_EXIT_SIGNAL, .value = status - 128 });
	_exit(status);
}

/* After the container's end: its status is known and recorded at once; a
 * killed domain is paused first, so that KILL stops the container now, as it
 * does a process. The domain's destruction takes seconds (libxl waits for
 * the back-ends to close: a quarter of the time from the exit report to the
 * caller, tests/bench), so a child does it while the monitor exits at once,
 * and callers see the exit (and EOF on the container's stdio) without
 * waiting. */
static _Noreturn void monitor_finish(struct monitor *m)
{
	struct vxn_err err;
	int status = record_exit_status(m);

	if (m->killed && m->have_domain && domwatch_pause(m->dw, &err))
		log_warn("monitor: %s", err.msg);
	release_links(m);
	destroy_domain(m, false);
	domwatch_close(m->dw);
	m->dw = NULL;
	monitor_exit(m, status);
}

/* ------------------------------------------------------------ relay */

static void guest_error_text(struct monitor *m, const uint8_t *p, size_t len)
{
	char text[VXN_ERROR_MAX + 2];

	if (vxn_error_text_decode(p, len, text, sizeof(text)) < 0) {
		m->guest_failed = true;
		return;
	}
	log_error("container %s: %s", m->h->id, text);
	strcat(text, "\n");
	write_small_file(m, MONITOR_ERROR, text);
}

static void guest_exit(struct monitor *m, const uint8_t *p, size_t len)
{
	if (m->have_exit || vxn_exit_decode(p, len, &m->exit) < 0) {
		m->guest_failed = true;
		return;
	}
	m->have_exit = true;
	/* The container has ended: its output came before this frame and its
	 * root disk dies with it, so nothing is gained by waiting for the
	 * guest's own poweroff (sync, device shutdown: most of the time from
	 * exit to the caller seeing it, tests/bench). The domain is destroyed. */
	m->done = true;
	phase_begin(&m->ph);
	clock_gettime(CLOCK_MONOTONIC, &m->exit_deadline);
	m->exit_deadline.tv_sec += EXIT_GRACE_MS / 1000;
	log_debug("monitor: exit report (%s %d) at %ld ms",
		  m->exit.kind == VXN_EXIT_SIGNAL ? "signal" : "code", m->exit.value,
		  elapsed_ms(m));
}

static void guest_stdin_credit(struct monitor *m, const uint8_t *p, size_t len)
{
	uint32_t more;

	if (vxn_credit_decode(p, len, &more)) {
		m->guest_failed = true;
		return;
	}
	m->stdin_credit = vxn_credit_add(m->stdin_credit, more, VXN_STDIN_WINDOW);
}

static void handle_frame(struct monitor *m, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	if (h->stream != 0 || h->type == VXN_F_PS_REPLY || h->type == VXN_F_STATS_REPLY) {
		if (!execs_guest_frame(&m->execs, m->ch, h, p))
			m->guest_failed = true;
	} else switch (h->type) {
	case VXN_F_HELLO:
		m->hello = true;
		log_debug("monitor: guest-init connected at %ld ms", elapsed_ms(m));
		phase_end(&m->ph, "setup-to-hello");
		break;
	case VXN_F_STDOUT:
		if (!m->stdout_seen) {
			m->stdout_seen = true;
			phase_end(&m->ph, "hello-to-first-stdout");
		}
		outbuf_write(&m->out[0], p, h->len);
		m->out_credit += VXN_FRAME_HDR_BYTES;  /* the payload: once taken */
		break;
	case VXN_F_STDERR:
		outbuf_write(&m->out[1], p, h->len);
		m->out_credit += VXN_FRAME_HDR_BYTES;
		break;
	case VXN_F_CREDIT:
		guest_stdin_credit(m, p, h->len);
		break;
	case VXN_F_ERROR:
		guest_error_text(m, p, h->len);
		break;
	case VXN_F_EXIT:
		guest_exit(m, p, h->len);
		break;
	default:  /* host -> guest types coming back */
		m->guest_failed = true;
	}
	if (m->guest_failed) {
		log_error("container %s: protocol error from the guest (frame type %u)", m->h->id,
			  h->type);
		m->done = true;
	}
}

/* Give guest-init back what the container's stdout and stderr readers took
 * (and the frames' headers). */
static void give_output_credit(struct monitor *m)
{
	for (int i = 0; i < 2; i++) {
		m->out_credit += (uint32_t)m->out[i].taken;
		m->out[i].taken = 0;
	}
	channel_give_credit(m->ch, 0, &m->out_credit);
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

	while (!m->guest_failed && (r = channel_next_frame(m->ch, &h, &p, &err)) == 1)
		handle_frame(m, &h, p);
	if (!m->guest_failed && r < 0) {
		log_error("container %s: %s", m->h->id, err.msg);
		m->guest_failed = m->done = true;
	}
	if (channel_out_pending(m->ch) && channel_flush(m->ch, &err))
		log_debug("monitor: %s", err.msg);
}

/* One read of the container's stdin as a STDIN frame: straight into the
 * ring when it has room (tests/bench: stdin throughput), else through the
 * channel's buffer. */
static ssize_t read_stdin_frame(struct monitor *m, int fd)
{
	uint8_t buf[VXN_FRAME_MAX_PAYLOAD];
	struct vxn_err err;
	size_t room = channel_frame_room(m->ch);

	if (room)
		return channel_read_frame(m->ch, fd, VXN_F_STDIN, 0, room);
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n > 0 && channel_send(m->ch, VXN_F_STDIN, 0, buf, (uint32_t)n, &err)) {
		log_debug("monitor: stdin: %s", err.msg);
		errno = EAGAIN;  /* the bytes are lost, as the frame could not be queued */
		return -1;
	}
	return n;
}

static void relay_stdin(struct monitor *m)
{
	struct vxn_err err;
	/* polled only with a frame's worth of the guest's stdin window */
	ssize_t n = read_stdin_frame(m, m->pty_fd >= 0 ? m->pty_fd : 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		m->stdin_credit -= (uint32_t)n;
		return;
	}
	m->stdin_open = false;
	if (m->pty_fd >= 0) /* hung up: the SIGHUP that comes with it is forwarded */
		return;
	if (channel_send(m->ch, VXN_F_STDIN_EOF, 0, NULL, 0, &err))
		log_debug("monitor: stdin eof: %s", err.msg);
}

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
		m->killed = m->done = true;
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

static void handle_console(struct monitor *m)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(m->console_fd, buf, sizeof(buf))) > 0) {
		size_t keep = m->console_bytes >= CONSOLE_LOG_MAX ? 0 :
			      CONSOLE_LOG_MAX - m->console_bytes;
		if ((size_t)n < keep)
			keep = (size_t)n;
		if (keep && m->console_log >= 0 && write(m->console_log, buf, keep) < 0)
			keep = 0;
		m->console_bytes += keep;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(m->console_fd);  /* hung up: xenconsoled let go of the domain */
		m->console_fd = -1;
		m->console_tries = CONSOLE_TRIES;
	}
}

static void handle_domain_change(struct monitor *m)
{
	enum dom_state state;
	struct vxn_err err;
	int reason;

	if (domwatch_state(m->dw, &state, &reason, &err)) {
		log_warn("monitor: %s", err.msg);
		return;
	}
	if (state == DOM_SHUTDOWN) {
		m->shutdown_reason = reason;
		log_debug("monitor: domain shut down (reason %d) at %ld ms", reason, elapsed_ms(m));
	} else if (state == DOM_GONE) {
		log_debug("monitor: domain died at %ld ms", elapsed_ms(m));
		m->have_domain = false;
	}
	if (state != DOM_RUNNING)
		m->done = true;
}

/* ------------------------------------------------------------ the loop */

struct slots {
	int ch, ctl, sig, in, con, dom, out[2];
};

static int add_fd_for(struct pollfd *fds, int *n, int fd, short events)
{
	fds[*n].fd = fd;
	fds[*n].events = events;
	fds[*n].revents = 0;
	return (*n)++;
}

static int add_fd(struct pollfd *fds, int *n, int fd)
{
	return add_fd_for(fds, n, fd, POLLIN);
}

static int loop_timeout(const struct monitor *m)
{
	int t = -1;
	struct timespec now;

	if (m->console_fd < 0 && m->console_tries < CONSOLE_TRIES)
		t = CONSOLE_RETRY_MS;
	if (m->dw && domwatch_lost(m->dw) && (t < 0 || t > DOMWATCH_POLL_MS))
		t = DOMWATCH_POLL_MS;
	if (m->have_exit) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = (m->exit_deadline.tv_sec - now.tv_sec) * 1000 +
			    (m->exit_deadline.tv_nsec - now.tv_nsec) / 1000000;
		if (left < 0)
			left = 0;
		if (t < 0 || left < t)
			t = (int)left;
	}
	return t;
}

static bool ready(const struct pollfd *fds, int i)
{
	return i >= 0 && fds[i].revents;
}

static void monitor_iteration(struct monitor *m)
{
	struct pollfd fds[POLL_MAX];
	struct slots s = { -1, -1, -1, -1, -1, -1, { -1, -1 } };
	struct vxn_err err;
	int n = 0, timeout = loop_timeout(m);

	s.ch = add_fd(fds, &n, channel_fd(m->ch));
	s.ctl = add_fd(fds, &n, m->ctl_fd);
	s.sig = add_fd(fds, &n, m->sig_fd);
	/* stdin waits for guest-init, and for room in the outgoing buffer */
	bool room = channel_out_space(m->ch) >= VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD;
	if (m->hello && m->stdin_open && room && m->stdin_credit >= VXN_FRAME_MAX_PAYLOAD)
		s.in = add_fd(fds, &n, m->pty_fd >= 0 ? m->pty_fd : 0);
	execs_poll_add(&m->execs, fds, &n, POLL_MAX - 8, m->hello && room);
	if (m->console_fd >= 0)
		s.con = add_fd(fds, &n, m->console_fd);
	for (int i = 0; i < 2; i++)
		if (outbuf_pending(&m->out[i]))
			s.out[i] = add_fd_for(fds, &n, m->out[i].fd, POLLOUT);
	s.dom = add_fd(fds, &n, domwatch_fd(m->dw));
	if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
		log_warn("monitor: poll: %s", strerror(errno));
	if (ready(fds, s.ch) && channel_ack(m->ch, &err))
		log_debug("monitor: %s", err.msg);
	for (int i = 0; i < 2; i++)
		if (ready(fds, s.out[i]))
			outbuf_flush(&m->out[i]);
	channel_pump(m);
	if (ready(fds, s.in))
		relay_stdin(m);
	execs_poll_done(&m->execs, m->ch, fds);
	give_output_credit(m);
	if (ready(fds, s.ctl))
		handle_control(m);
	if (ready(fds, s.sig))
		handle_signalfd(m);
	if (ready(fds, s.con))
		handle_console(m);
	console_try_open(m);
	if (ready(fds, s.dom) || domwatch_lost(m->dw))
		handle_domain_change(m);
	if (m->have_exit && loop_timeout(m) == 0) {
		log_warn("monitor: the guest reported its exit but did not power off");
		m->done = true;
	}
}

/* What the guest sent before it went down is written out, within DRAIN_MS
 * for a reader that stalls. */
static void drain_output(struct monitor *m)
{
	long t0 = elapsed_ms(m);

	for (;;) {
		struct pollfd fds[2];
		int n = 0;

		channel_pump(m);
		for (int i = 0; i < 2; i++)
			if (outbuf_pending(&m->out[i]))
				add_fd_for(fds, &n, m->out[i].fd, POLLOUT);
		if (n == 0)
			return;
		long left = DRAIN_MS - (elapsed_ms(m) - t0);
		if (left <= 0) {
			log_warn("monitor: the container's output is not read: %zu bytes dropped",
				 m->out[0].len + m->out[1].len);
			return;
		}
		poll(fds, (nfds_t)n, (int)left);
		for (int i = 0; i < 2; i++)
			outbuf_flush(&m->out[i]);
	}
}

static void monitor_run(struct monitor *m)
{
	while (!m->done)
		monitor_iteration(m);
	if (!m->killed && m->ch)
		drain_output(m);
	if (m->console_fd >= 0)
		handle_console(m);
}

_Noreturn void monitor_main(const struct monitor_handoff *h, uint8_t *launch)
{
	struct monitor m = {
		.h = h, .domid = h->domid, .have_domain = true, .pooled = h->pooled,
		.launch = launch, .launch_len = h->launch_len, .loop_fd = h->loop_fd,
		.ctl_fd = -1, .sig_fd = -1, .console_fd = -1, .pty_fd = -1,
		.console_log = -1, .stdin_open = true, .stdin_credit = VXN_STDIN_WINDOW,
		.shutdown_reason = SHUTDOWN_REASON_UNKNOWN,
	};
	struct vxn_err err = { 0 };

	execs_init(&m.execs);
	process_setup(&m);
	if (monitor_setup(&m, &err)) {
		log_debug("monitor: setup failed: %s", err.msg);
		monitor_teardown(&m);
		monitor_tell_create(h->ready_fd, m.domid, &err);
		_exit(1);
	}
	if (!monitor_tell_create(h->ready_fd, m.domid, NULL) || !create_confirmed(&m)) {
		log_warn("monitor: create of %s did not finish: destroying its guest", h->id);
		monitor_teardown(&m);
		if (h->pid_file[0])
			unlink(h->pid_file);
		_exit(1);
	}
	/* the last report: create returns only once the guest is ready to start */
	int armed = m.pooled ? arm_pool_guest(&m, &err) : 0;
	if (armed)
		log_debug("monitor: %s", err.msg);
	if (!monitor_tell_create(h->ready_fd, m.domid, armed ? &err : NULL) || armed) {
		monitor_teardown(&m);
		if (h->pid_file[0])
			unlink(h->pid_file);
		_exit(1);
	}
	close(h->ready_fd);
	monitor_run(&m);
	monitor_finish(&m);
}
