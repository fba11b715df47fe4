/* vxn-monitor: what the monitor is once monitor_start.c has built the
 * domain and exec'd it. It relays stdio, signals and the console until the
 * domain is gone, and exits with the container's wait status. No libxl:
 * domwatch.h watches and pauses the domain, and destroying it is left to
 * vxn itself (`vxn monitor-teardown`, run in a child at the end).
 *
 * This file sets the monitor up, reports to create and ends it; the jobs in
 * between have their own modules: the event loop (monitor_loop.h), the
 * container's stdio and its credits (monitor_stdio.h), exec sessions
 * (monitor_exec.h), the console and its log (monitor_console.h), the exit
 * and the domain's teardown (monitor_exit.h).
 *
 * It keeps the fds 0/1/2 create was given (the container's stdio) and never
 * writes anything of its own there: its diagnostics go to the log. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "channel.h"
#include "control.h"
#include "domwatch.h"
#include "log.h"
#include "monitor_handoff.h"
#include "monitor_loop.h"
#include "pty.h"
#include "signals.h"

#define SHUTDOWN_REASON_UNKNOWN (-1)

/* ------------------------------------------------------------ setup */

/* The log monitor_start.c had, again after the exec; the phases go on from
 * the exec. The lock and the loop device stay inheritable: the teardown
 * child (exit_destroy_domain) holds them until the domain is gone. */
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
	if (domwatch_open(m->dom.domid, &m->dom.dw, err))
		return -1;
	return m->h->pooled ? 0 : channel_open(m->dom.domid, &m->ch, err);
}

/* After create's confirmation (the root disk is filled): pause the pool
 * guest (pool.h), then publish the channel with its launch data queued
 * first, which its guest-init reads when start unpauses it. Frees launch. */
static int arm_pool_guest(struct monitor *m, uint8_t *launch, struct vxn_err *err)
{
	size_t len = m->h->launch_len;
	int r = -1;

	if (domwatch_pause(m->dom.dw, err) || channel_open(m->dom.domid, &m->ch, err))
		goto out;
	for (size_t off = 0; off < len; off += VXN_FRAME_MAX_PAYLOAD) {
		size_t n = len - off;
		if (n > VXN_FRAME_MAX_PAYLOAD)
			n = VXN_FRAME_MAX_PAYLOAD;
		if (channel_send(m->ch, VXN_F_LAUNCH, 0, launch + off, (uint32_t)n, err))
			goto out;
	}
	r = channel_send(m->ch, VXN_F_LAUNCH_END, 0, NULL, 0, err);
	phase_end(&m->ph, "pool-arm");
out:
	free(launch);
	return r;
}

/* Right after NET, always: the resolv.conf create left beside it (the
 * engine's after its hooks), or nothing when there is none. */
static int send_resolv_conf(struct monitor *m, struct vxn_err *err)
{
	static uint8_t text[VXN_RESOLV_CONF_MAX + 1];
	char path[PATH_MAX];
	ssize_t n = 0;

	int fd = -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", m->h->state_dir, MONITOR_RESOLV_FILE) <
	    sizeof(path))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof text);
		close(fd);
	}
	if (n < 0 || n > (ssize_t)VXN_RESOLV_CONF_MAX)
		n = 0;  /* the guest keeps its copy */
	return channel_send(m->ch, VXN_F_RESOLV_CONF, 0, text, (uint32_t)n, err);
}

/* The container's network, as create read it from the namespace (create's
 * own file, checked once more before it goes to the guest): after the
 * launch data, before anything else, so guest-init has it before the
 * process starts. NET, the NET_ADD of each further interface, RESOLV_CONF. */
static int send_net(struct monitor *m, struct vxn_err *err)
{
	uint8_t buf[VXN_NET_MAX_BYTES + 1];
	char path[PATH_MAX];
	struct vxn_net net;
	int fd = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", m->h->state_dir, MONITOR_NET_FILE) <
	    sizeof(path))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0 || vxn_net_decode(buf, (size_t)n, &net))
		return err_set(err, EPROTO, "%s: not a network description", path);
	int r = channel_send(m->ch, VXN_F_NET, 0, buf, (uint32_t)n, err);
	if (r == 0 && net.has_nic)
		netwatch_send_added(m->h, m->ch);  /* the namespace's other interfaces */
	if (r == 0)
		r = send_resolv_conf(m, err);
	struct vxn_err werr;
	if (r == 0 && net.has_nic && netwatch_open(&m->netw, &werr))
		log_warn("monitor: %s: the guest's NICs do not follow the namespace", werr.msg);
	phase_end(&m->ph, "net-sent");
	return r;
}

static int monitor_setup(struct monitor *m, struct vxn_err *err)
{
	if (watch_domain(m, err))
		return -1;
	m->ctl_fd = control_listen(m->h->state_dir, err);
	if (m->ctl_fd < 0 || signals_setup(m, err) || terminal_setup(m, err))
		return -1;
	console_init(&m->con, m->h->state_dir, m->dom.dw);
	/* terminal mode: the container's stdio is the pty (the guest's pty
	 * merges stderr into stdout; fd 2 is /dev/null by now anyway) */
	bool pty = m->pty_fd >= 0;
	if (stdio_init(&m->io, pty ? m->pty_fd : 0, pty ? m->pty_fd : 1, pty ? m->pty_fd : 2, pty))
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

/* Everything but the domain, its loop device and the channel: the
 * container's stdio, the pty, exec sessions, DNS queries, the control
 * socket, the console. */
static void release_links(struct monitor *m)
{
	char path[PATH_MAX];

	execs_close_all(&m->execs);
	dns_close(&m->dns);
	netwatch_close(&m->netw);
	if (m->ctl_fd >= 0) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", m->h->state_dir, CONTROL_SOCKET) <
		    sizeof(path))
			unlink(path);
		close(m->ctl_fd);
		m->ctl_fd = -1;
	}
	stdio_dispose(&m->io);
	console_close(&m->con);
	if (m->pty_fd >= 0)
		close(m->pty_fd);
	if (m->sig_fd >= 0)
		close(m->sig_fd);
	m->pty_fd = m->sig_fd = -1;
}

/* The channel's ring pages last, once the domain is gone: unshared while
 * the guest still maps them, each page's grant entry is freed later by
 * dom0's kernel, 10 a second (grant_table.free_per_iteration), and a
 * container every few seconds filled dom0's grant table after about a
 * hundred (tests/RELIABILITY.md, the soak). So the destroy is waited for,
 * which the caller sees as a later exit; the container's stdio is already
 * closed by then. */
static void destroy_then_unshare(struct monitor *m)
{
	exit_destroy_domain(m->h, &m->dom, true);
	domwatch_close(m->dom.dw);
	m->dom.dw = NULL;
	channel_close(m->ch);
	m->ch = NULL;
}

static void monitor_teardown(struct monitor *m)
{
	release_links(m);
	destroy_then_unshare(m);
}

/* After the container's end: its status is known and recorded at once; a
 * killed domain is paused first, so that KILL stops the container now, as it
 * does a process. Callers see EOF on the container's stdio at once; the
 * monitor's own exit waits for the domain's destruction (libxl waits for
 * the back-ends to close), done by a child, before the channel is
 * unshared (destroy_then_unshare). */
static _Noreturn void monitor_finish(struct monitor *m)
{
	struct vxn_err err;
	int status = exit_record(m->h, &m->exit, &m->dom);

	if (m->exit.killed && m->dom.alive && domwatch_pause(m->dom.dw, &err))
		log_warn("monitor: %s", err.msg);
	release_links(m);
	destroy_then_unshare(m);
	if (m->exit.reported)
		phase_end(&m->ph, "exit-to-monitor-exit");
	exit_like_container(&m->exit, status, monitor_elapsed_ms(m));
}

/* Setup failed, or create did not finish: nothing of the container stays. */
static _Noreturn void monitor_abandon(struct monitor *m)
{
	monitor_teardown(m);
	if (m->h->pid_file[0])
		unlink(m->h->pid_file);
	_exit(1);
}

_Noreturn void monitor_main(const struct monitor_handoff *h, uint8_t *launch)
{
	struct monitor m = {
		.h = h, .ctl_fd = -1, .sig_fd = -1, .pty_fd = -1,
		.dom = { .domid = h->domid, .alive = true, .loop_fd = h->loop_fd,
			 .shutdown_reason = SHUTDOWN_REASON_UNKNOWN },
		.io = { .in_fd = -1, .out = { { .fd = -1 }, { .fd = -1 } } },
		.con = { .fd = -1, .log = -1 },
		.netw = { .fd = -1, .due_ms = -1 },
	};
	struct vxn_err err = { 0 };

	execs_init(&m.execs);
	dns_init(&m.dns);
	process_setup(&m);
	if (monitor_setup(&m, &err)) {
		log_debug("monitor: setup failed: %s", err.msg);
		free(launch);
		monitor_teardown(&m);
		monitor_tell_create(h->ready_fd, m.dom.domid, &err);
		_exit(1);
	}
	if (!monitor_tell_create(h->ready_fd, m.dom.domid, NULL) || !create_confirmed(&m)) {
		log_warn("monitor: create of %s did not finish: destroying its guest", h->id);
		free(launch);
		monitor_abandon(&m);
	}
	/* the last report: create returns only once the guest is ready to start */
	int armed = h->pooled ? arm_pool_guest(&m, launch, &err) : 0;
	if (!armed && h->net_wait)
		armed = send_net(&m, &err);
	if (armed)
		log_debug("monitor: %s", err.msg);
	if (!monitor_tell_create(h->ready_fd, m.dom.domid, armed ? &err : NULL) || armed)
		monitor_abandon(&m);
	close(h->ready_fd);
	monitor_run(&m);
	monitor_finish(&m);
}
