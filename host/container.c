/* The container lifecycle behind the CLI verbs. This layer owns the state
 * directory ROOT/ID and the monitor; Xen is reached only through xen.h.
 * A container's status is derived from live facts every time: state.json,
 * whether its monitor (pid + start time) lives, and what Xen says. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "exec_check.h"
#include "files.h"
#include "hooks.h"
#include "launch_files.h"
#include "log.h"
#include "loop.h"
#include "monitor_handoff.h"
#include "monitor_start.h"
#include "netwire.h"
#include "phase.h"
#include "pool.h"
#include "plan.h"
#include "pod_member.h"
#include "ramdisk.h"
#include "rootdisk.h"
#include "shares.h"
#include "spec.h"
#include "util.h"
#include "xen.h"

#define DISK_IMAGE "root.img"    /* plan.h: disk_image is STATE_DIR/root.img */
#define SHARE_ROOT "shares"      /* plan.h: share_root is STATE_DIR/shares */
#define MONITOR_EXIT_WAIT_MS 60000
/* the monitor's child that destroys the domain after the container's end
 * holds the lock for as long as libxl takes (seconds; more under emulation) */
#define MONITOR_LOCK_WAIT_MS 60000
#define CREATE_WAIT_MS 120000    /* a monitor in libxl_domain_create_new */

const char *status_name(enum vxn_status s)
{
	switch (s) {
	case VXN_STATUS_CREATING: return "creating";
	case VXN_STATUS_CREATED: return "created";
	case VXN_STATUS_RUNNING: return "running";
	case VXN_STATUS_PAUSED: return "paused";
	case VXN_STATUS_STOPPED: return "stopped";
	}
	return "unknown";
}

/* ------------------------------------------------------------ paths */

static int state_dir_of(const struct vxn_globals *g, const char *id, char *out, size_t len,
			struct vxn_err *err)
{
	struct vxn_config cfg;
	int n;

	if (id_validate(id, err))
		return -1;
	if (g->root) {
		n = snprintf(out, len, "%s/%s", g->root, id);
	} else {
		if (config_load(g->config_path, &cfg, err))
			return -1;
		n = snprintf(out, len, "%s/%s", cfg.state_root, id);
		config_free(&cfg);
	}
	if (n < 0 || (size_t)n >= len)
		return err_set(err, ENAMETOOLONG, "state directory for %s", id);
	return 0;
}

int container_state_dir(const struct vxn_globals *g, const char *id, char *out, size_t len,
			struct vxn_err *err)
{
	return state_dir_of(g, id, out, len, err);
}

static void file_in(const char *dir, const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		out[0] = '\0';  /* dir is bounded by state_dir_of: cannot happen */
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	if (remove(path) && errno != ENOENT)
		log_warn("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* Never while the volume shares (shares.h) are still there: shares_release
 * runs first, and if it could not take them away the user's data is behind
 * them, so the state directory is left rather than walked. */
static void remove_tree(const char *dir)
{
	char shares[PATH_MAX];
	struct stat st;

	file_in(dir, SHARE_ROOT, shares, sizeof(shares));
	if (lstat(shares, &st) == 0) {
		log_warn("%s is still there: %s not removed", shares, dir);
		return;
	}
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------ liveness */

bool container_pid_alive(const struct vxn_state *st)
{
	return st->monitor_pid > 0 && st->monitor_start != 0 &&
	       proc_start_time(st->monitor_pid) == st->monitor_start;
}

bool container_pid_wait_gone(const struct vxn_state *st, int ms)
{
	for (int waited = 0; container_pid_alive(st); waited += 50) {
		if (waited >= ms)
			return false;
		usleep(50 * 1000);
	}
	return true;
}

/* Domain, loop device and volume shares a dead monitor may have left:
 * destroy by name. The domain goes first: its QEMU backend serves the shares. */
static void cleanup_leftovers(const char *id, const char *state_dir)
{
	struct xen_ctx *x = NULL;
	struct vxn_err err;
	char name[DOMAIN_NAME_MAX], image[PATH_MAX], shares[PATH_MAX];
	uint32_t domid;

	domain_name_for(id, name);
	if (xen_open(&x, &err) == 0) {
		if (xen_domid_by_name(x, name, &domid, &err) == 0) {
			log_debug("destroying leftover domain %s (%u)", name, domid);
			if (xen_destroy(x, domid, &err))
				log_warn("%s", err.msg);
		}
		xen_close(x);
	} else {
		log_debug("no Xen to clean up with: %s", err.msg);
	}
	file_in(state_dir, DISK_IMAGE, image, sizeof(image));
	loop_detach_image(image);
	file_in(state_dir, SHARE_ROOT, shares, sizeof(shares));
	shares_release(shares);
	netwire_release(state_dir);
}

int container_teardown_domain(uint32_t domid, const char *name, int loop_fd,
			      struct vxn_err *err)
{
	struct xen_ctx *x = NULL;
	struct phase t;
	struct stat st;
	char found[ID_MAX + 8];
	int r;

	phase_begin(&t);
	if (xen_open(&x, err))
		return -1;
	/* the domid is only the monitor's word: its name must be the container's */
	r = xen_domain_name(x, domid, found, sizeof(found), err);
	if (r == 0 && strcmp(found, name) != 0)
		r = err_set(err, 0, "domain %u is %s, not %s: not destroyed", domid, found, name);
	else if (r == 0)
		r = xen_destroy(x, domid, err);
	else if (err->errnum == ENOENT)
		r = 0;  /* gone already */
	xen_close(x);
	phase_end(&t, "teardown-destroy");
	if (loop_fd > 2 && fstat(loop_fd, &st) == 0 && S_ISBLK(st.st_mode))
		loop_detach(loop_fd);
	return r;
}

/* ------------------------------------------------------------ status */

static enum vxn_status domain_status(const struct vxn_state *st, const char *state_dir,
				     struct vxn_err *err, int *r)
{
	struct xen_ctx *x = NULL;
	struct xen_dominfo info = { 0 };
	char mark[PATH_MAX];
	uint32_t domid;

	*r = 0;
	if (xen_open(&x, err)) {
		*r = -1;
		return VXN_STATUS_STOPPED;
	}
	if (xen_domid_by_name(x, st->domain_name, &domid, err) == 0 &&
	    xen_domain_info(x, domid, &info, err))
		*r = -1;
	xen_close(x);
	if (*r || !info.exists || info.shutdown || info.dying)
		return VXN_STATUS_STOPPED;
	file_in(state_dir, STARTED_MARK, mark, sizeof(mark));
	bool started = access(mark, F_OK) == 0;
	if (!info.paused)
		return VXN_STATUS_RUNNING;
	return started ? VXN_STATUS_PAUSED : VXN_STATUS_CREATED;
}

static int read_state(const char *state_dir, struct vxn_state *st, struct vxn_err *err)
{
	char path[PATH_MAX];

	memset(st, 0, sizeof(*st));
	file_in(state_dir, "state.json", path, sizeof(path));
	if (access(path, F_OK))
		return err_set(err, 0, "container does not exist");
	return state_read(state_dir, st, err);
}

int container_status(const struct vxn_globals *g, const char *id, struct vxn_state *st,
		     enum vxn_status *status, int *pid, struct vxn_err *err)
{
	char dir[PATH_MAX];
	int r = 0;

	if (state_dir_of(g, id, dir, sizeof(dir), err) || read_state(dir, st, err))
		return -1;
	*status = VXN_STATUS_STOPPED;
	if (st->sandbox)
		*status = member_status(st, dir);
	else if (container_pid_alive(st))
		*status = domain_status(st, dir, err, &r);
	if (r) {
		state_free(st);
		return -1;
	}
	*pid = *status == VXN_STATUS_STOPPED ? 0 : st->monitor_pid;
	return 0;
}

/* ------------------------------------------------------------ hooks */

/* poststart and poststop: runc warns about a failing one and goes on. The
 * spec is read again from the bundle (gone already: nothing to run). */
static void run_late_hooks(const struct vxn_state *st, enum vxn_hook_kind kind,
			   const char *status)
{
	struct vxn_spec s;
	struct vxn_err err;

	if (!st->bundle || spec_load(st->bundle, &s, &err)) {
		log_debug("%s hooks: no spec: %s", spec_hook_kinds[kind],
			  st->bundle ? err.msg : "no bundle");
		return;
	}
	struct hook_state hs = { s.oci_version, st->id, status,
				 kind == VXN_HOOK_POSTSTOP ? 0 : st->monitor_pid, st->bundle,
				 s.annotations, s.nannotations };
	if (hooks_run(&s, kind, &hs, &err))
		log_warn("%s", err.msg);
	spec_free(&s);
}

/* createContainer and startContainer run inside the container's namespaces
 * under runc: a guest has no host namespaces to run them in. */
static void note_guest_hooks(const struct vxn_spec *s)
{
	for (int k = VXN_HOOK_CREATE_CONTAINER; k <= VXN_HOOK_START_CONTAINER; k++)
		if (s->hooks[k].n)
			log_warn("hooks.%s: not run: they belong inside the container, and a "
				 "vxn container is a Xen guest", spec_hook_kinds[k]);
}

/* ------------------------------------------------------------ start, kill */

/* The guest's word on why its process did not start (MONITOR_ERROR), or
 * false. */
static bool guest_error(const char *dir, struct vxn_err *err)
{
	char path[PATH_MAX];
	void *text = NULL;
	size_t len = 0;

	file_in(dir, MONITOR_ERROR, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	int r = read_bounded(fd, VXN_ERROR_MAX + 2, &text, &len);
	close(fd);
	if (r < 0 || len == 0) {
		free(text);
		return false;
	}
	((char *)text)[len - 1] = '\0';  /* its newline */
	err_set(err, 0, "%s", (char *)text);
	free(text);
	return true;
}

/* runc's start returns once the container's process runs, so that what
 * follows (a signal, the poststart hooks) finds it; vxn's returns once
 * guest-init has reported the exec (MONITOR_PROCESS_STARTED), and fails
 * with the guest's reason when it could not start it. */
#define START_WAIT_MS (300 * 1000)
static int wait_process_started(const struct vxn_state *st, const char *dir,
				struct vxn_err *err)
{
	char started[PATH_MAX];

	file_in(dir, MONITOR_PROCESS_STARTED, started, sizeof(started));
	for (int waited = 0;; waited += 10) {
		if (access(started, F_OK) == 0)
			return 0;
		if (guest_error(dir, err))
			return -1;
		if (!container_pid_alive(st))
			return guest_error(dir, err) ? -1 :
			       err_set(err, 0, "the container ended before its process started");
		if (waited >= START_WAIT_MS) {
			log_warn("start: no word of the container's process after %d s",
				 START_WAIT_MS / 1000);
			return 0;
		}
		usleep(10 * 1000);
	}
}

int container_start(const struct vxn_globals *g, const char *id, struct vxn_err *err)
{
	struct vxn_state st;
	enum vxn_status s;
	struct xen_ctx *x = NULL;
	char dir[PATH_MAX], mark[PATH_MAX];
	uint32_t domid;
	int pid, r = -1, fd;
	struct phase ph;

	phase_begin(&ph);
	if (container_status(g, id, &st, &s, &pid, err))
		return -1;
	phase_end(&ph, "start-status");
	if (s != VXN_STATUS_CREATED) {
		err_set(err, 0, s == VXN_STATUS_STOPPED ? "cannot start a container that has stopped"
			: "cannot start an already running container");
		goto out;
	}
	state_dir_of(g, id, dir, sizeof(dir), err);
	if (st.sandbox) {
		r = member_start(&st, dir, err);
		if (r == 0)
			run_late_hooks(&st, VXN_HOOK_POSTSTART, "running");
		goto out;
	}
	file_in(dir, STARTED_MARK, mark, sizeof(mark));
	/* marked first: a domain that runs is never reported as "created" */
	fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(err, errno, "create %s", mark);
		goto out;
	}
	close(fd);
	if (xen_open(&x, err) || xen_domid_by_name(x, st.domain_name, &domid, err) ||
	    xen_unpause(x, domid, err)) {
		unlink(mark);
		goto out;
	}
	phase_end(&ph, "unpause");
	if (wait_process_started(&st, dir, err) != 0)
		goto out;
	phase_end(&ph, "process-started");
	run_late_hooks(&st, VXN_HOOK_POSTSTART, "running");
	r = 0;
out:
	xen_close(x);
	state_free(&st);
	return r;
}

int container_start_or_delete(const struct vxn_globals *g, const char *id, pid_t monitor,
			      struct vxn_err *err)
{
	if (container_start(g, id, err) == 0)
		return 0;
	struct vxn_err derr = { 0 };
	/* the monitor is the caller's child: reaped at once when it ends (it
	 * may have, on the guest's error), so that delete does not wait out a
	 * zombie that still looks alive */
	signal(SIGCHLD, SIG_IGN);
	if (monitor > 0)
		waitpid(monitor, NULL, WNOHANG);
	if (container_delete(g, id, true, &derr) < 0)
		log_warn("cleaning up %s: %s", id, derr.msg);
	return -1;
}

int container_kill(const struct vxn_globals *g, const char *id, int signo, bool all,
		   struct vxn_err *err)
{
	struct vxn_state st;
	enum vxn_status s;
	char dir[PATH_MAX], req[64];
	int pid, r;

	if (container_status(g, id, &st, &s, &pid, err))
		return -1;
	if (st.sandbox && s != VXN_STATUS_STOPPED) {
		/* its own process only: --all of the pod's guest would reach
		 * the other containers too */
		r = member_kill(&st, signo, err);
		state_free(&st);
		return r;
	}
	state_free(&st);
	if (s == VXN_STATUS_STOPPED)
		return err_set(err, 0, "container not running");
	if (state_dir_of(g, id, dir, sizeof(dir), err))
		return -1;
	snprintf(req, sizeof(req), "signal %d%s", signo, all ? " all" : "");
	r = control_request(dir, req, err);
	if (r && (err->errnum == ENOENT || err->errnum == ECONNREFUSED))
		return err_set(err, 0, "container not running");
	return r;
}

/* ------------------------------------------------------------ delete */

static int stop_monitor(const char *dir, const struct vxn_state *st)
{
	struct vxn_err err;

	if (!container_pid_alive(st))
		return 0;
	if (control_request(dir, "signal 9", &err))
		log_debug("kill through the monitor: %s", err.msg);
	if (container_pid_wait_gone(st, MONITOR_EXIT_WAIT_MS))
		return 0;
	log_warn("monitor %d did not exit: killing it", st->monitor_pid);
	kill(st->monitor_pid, SIGKILL);
	return container_pid_wait_gone(st, 5000) ? 0 : -1;
}

/* The state directory is flock'ed by create from mkdir on, and by the
 * monitor (which inherits that lock) until it exits. Whoever holds it may
 * still write there: delete waits for it before removing anything. */
static int dir_lock_wait(const char *dir, int ms)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int waited = 0; fd >= 0 && flock(fd, LOCK_EX | LOCK_NB); waited += 50) {
		if (waited >= ms) {
			log_warn("%s is still locked by a create or monitor: removing it anyway", dir);
			break;
		}
		usleep(50 * 1000);
	}
	return fd;
}

static bool has_state(const char *dir)
{
	char path[PATH_MAX];

	file_in(dir, "state.json", path, sizeof(path));
	return access(path, F_OK) == 0;
}

static void remove_container(const char *id, const char *dir, int wait_ms)
{
	int lock = dir_lock_wait(dir, wait_ms);

	cleanup_leftovers(id, dir);
	remove_tree(dir);
	if (lock >= 0)
		close(lock);
}

/* A state dir without state.json: a create in progress, or one that was
 * killed. Its monitor notices a dead create and tears down by itself; once
 * the lock is free, whatever is left goes. Returns 1 when a create finished
 * meanwhile (delete it as a container). */
static int delete_unrecorded(const char *id, const char *dir, bool force, struct vxn_err *err)
{
	struct stat sb;
	int lock;

	if (!force)
		return err_set(err, 0, "container does not exist");
	/* runc's `delete --force` of a container that is gone succeeds:
	 * containerd's shim deletes every container twice (delete, then
	 * delete --force from its cleanup) and warns when the second fails */
	if (stat(dir, &sb))
		return 0;
	lock = dir_lock_wait(dir, CREATE_WAIT_MS);
	if (has_state(dir)) {
		if (lock >= 0)
			close(lock);
		return 1;
	}
	cleanup_leftovers(id, dir);
	remove_tree(dir);
	if (lock >= 0)
		close(lock);
	return 0;
}

int container_delete(const struct vxn_globals *g, const char *id, bool force,
		     struct vxn_err *err)
{
	struct vxn_state st;
	enum vxn_status s;
	char dir[PATH_MAX];
	int pid, r;
	struct phase ph;

	phase_begin(&ph);
	if (state_dir_of(g, id, dir, sizeof(dir), err))
		return -1;
	if (!has_state(dir) && (r = delete_unrecorded(id, dir, force, err)) <= 0)
		return r;
	if (container_status(g, id, &st, &s, &pid, err))
		return -1;  /* it exists, but its status could not be derived */
	if (s != VXN_STATUS_STOPPED && !force) {
		err_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
			status_name(s));
		state_free(&st);
		return -1;
	}
	if (st.sandbox) {
		member_remove(g, &st);
		run_late_hooks(&st, VXN_HOOK_POSTSTOP, "stopped");
		state_free(&st);
		remove_tree(dir);
		phase_end(&ph, "delete");
		return 0;
	}
	if (stop_monitor(dir, &st))
		log_warn("monitor of %s is still alive", id);
	run_late_hooks(&st, VXN_HOOK_POSTSTOP, "stopped");
	state_free(&st);
	remove_container(id, dir, MONITOR_LOCK_WAIT_MS);
	phase_end(&ph, "delete");
	return 0;
}

/* ------------------------------------------------------------ create */

struct creation {
	struct vxn_config cfg;
	struct vxn_spec spec;
	struct vxn_plan plan;
	char bundle[PATH_MAX];
	char dir[PATH_MAX];
	bool made_dir, forked;  /* what undo_creation takes back */
	int lock_fd;        /* flock on dir, shared with the monitor */
	int monitor_sock;   /* ready report in, confirmation out */
	pid_t monitor;
	uint32_t domid;
	struct rootdisk_job disk;  /* mke2fs runs while the monitor builds the domain */
	char cache_dir[PATH_MAX];
	struct rootdisk_cache cache;
	char vxn_path[PATH_MAX], monitor_path[PATH_MAX];
	const char *sandbox_id;    /* a pod's app container: its sandbox (in spec) */
	const char *root_image;    /* the caller's shared root disk, when the plan took it */
};

/* What a create owns on every path, failed or not: released when its
 * struct creation goes out of scope. Each free is a no-op on what was never
 * filled (the struct starts zeroed). What a failed create must also take
 * back (the disk, the monitor, the domain, the state directory) is
 * undo_creation's. */
static void creation_release(struct creation *c)
{
	plan_free(&c->plan);
	spec_free(&c->spec);
	config_free(&c->cfg);
	if (c->lock_fd >= 0)
		close(c->lock_fd);  /* the monitor's copy keeps the lock */
}
#define cleanup_creation __attribute__((cleanup(creation_release)))

static int wait_ready(struct creation *c, int fd, struct vxn_err *err)
{
	struct monitor_ready r;
	ssize_t n;

	while ((n = read(fd, &r, sizeof(r))) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(r) && r.ok) {
		c->domid = r.domid;
		return 0;
	}
	int st = 0;
	waitpid(c->monitor, &st, 0);  /* it exits after reporting a failure */
	c->monitor = 0;
	if (n == (ssize_t)sizeof(r)) {
		r.err.msg[sizeof(r.err.msg) - 1] = '\0';
		*err = r.err;
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == MONITOR_EXIT_BAD_HANDOFF)
		return err_set(err, 0, "vxn-monitor (%s) refused its handoff: it does not "
			       "match this vxn (%s)", c->monitor_path, c->vxn_path);
	return err_set(err, 0, "the container's monitor died while creating the domain "
		       "(wait status 0x%x)", (unsigned)st);
}

/* A socket rather than a pipe: after the ready report the monitor waits for
 * create's confirmation that state.json is written, and tears everything
 * down by itself when create dies first (killed at any point). */
static int fork_monitor(const struct vxn_globals *g, const char *id,
			const struct vxn_create_opts *o, struct creation *c, struct vxn_err *err)
{
	int p[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p))
		return err_set(err, errno, "socketpair");
	c->monitor = fork();
	if (c->monitor < 0) {
		close(p[0]);
		close(p[1]);
		c->monitor = 0;
		return err_set(err, errno, "fork");
	}
	if (c->monitor == 0) {
		struct monitor_args a = { .g = g, .id = id, .state_dir = c->dir, .plan = &c->plan,
					  .pid_file = o->pid_file, .ready_fd = p[1],
					  .console_socket = o->console_socket,
					  .lock_fd = c->lock_fd, .vxn_path = c->vxn_path,
					  .monitor_path = c->monitor_path,
					  .netns = (int)c->spec.netns,
					  .netns_path = c->spec.netns_path };
		close(p[0]);
		monitor_start(&a);
	}
	c->forked = true;
	close(p[1]);
	c->monitor_sock = p[0];
	return 0;
}

/* Then the monitor's last report: a warm pool guest is paused and given its
 * launch data only now that its root disk is filled (monitor.c). */
static int confirm_monitor(struct creation *c, struct vxn_err *err)
{
	char ok = 'k';
	ssize_t n;

	while ((n = write(c->monitor_sock, &ok, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		return err_set(err, errno, "the container's monitor went away");
	if (wait_ready(c, c->monitor_sock, err))
		return -1;
	close(c->monitor_sock);
	c->monitor_sock = -1;
	return 0;
}

static int record_state(const char *id, struct creation *c, struct vxn_err *err)
{
	char created[64];
	struct timespec now;
	struct vxn_state st = {
		.id = (char *)id, .bundle = c->bundle, .rootfs = c->plan.rootfs,
		.created = created, .owner = "", .annotations = c->spec.annotations,
		.nannotations = c->spec.nannotations, .monitor_pid = c->monitor,
		.monitor_start = proc_start_time(c->monitor), .domain_name = c->plan.name,
		.domid = c->domid,
	};

	clock_gettime(CLOCK_REALTIME, &now);
	rfc3339_nano(&now, created, sizeof(created));
	return state_write(c->dir, &st, err);
}

static int prepare(const struct vxn_globals *g, const char *id,
		   const struct vxn_create_opts *o, struct creation *c, struct vxn_err *err)
{
	const char *root;

	if (id_validate(id, err) || config_load(g->config_path, &c->cfg, err))
		return -1;
	if (!realpath(o->bundle ? o->bundle : ".", c->bundle))
		return err_set(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	if (spec_load(c->bundle, &c->spec, err))
		return -1;
	root = g->root ? g->root : c->cfg.state_root;
	int r = mkdir_p(root, 0700);

	if (r < 0)
		return err_set(err, -r, "state root %s", root);
	if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/%s", root, id) >= sizeof(c->dir) ||
	    (size_t)snprintf(c->cache_dir, sizeof(c->cache_dir), "%s/%s", root,
			     ROOTDISK_CACHE_DIR) >= sizeof(c->cache_dir))
		return err_set(err, ENAMETOOLONG, "state directory");
	c->cache = (struct rootdisk_cache){ c->cache_dir, c->cfg.rootdisk_cache };
	if (mkdir(c->dir, 0700))
		return errno == EEXIST ? err_set(err, 0, "container with id exists: %s", id)
				       : err_set(err, errno, "mkdir %s", c->dir);
	c->made_dir = true;
	c->lock_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->lock_fd < 0 || flock(c->lock_fd, LOCK_EX | LOCK_NB))
		return err_set(err, errno, "locking %s", c->dir);
	if (plan_pod_role(&c->spec, &c->sandbox_id) == POD_MEMBER)
		return 0;  /* planned in the pod (pod_member.c) */
	c->sandbox_id = NULL;
	if (plan_from_spec(&c->spec, &c->cfg, id, c->bundle, c->dir, &c->plan, err))
		return -1;
	if (o->root_image) {
		int r = c->plan.root_shared ? 1 : launch_files_take(&c->plan, err);
		if (r == 0)
			r = plan_use_shared_image(&c->plan, err);
		if (r < 0)
			return -1;
		c->root_image = r == 0 ? o->root_image : NULL;
		if (r == 1)
			log_debug("root disk: the container's own (a shared root or host files "
				  "to copy in), not %s", o->root_image);
	}
	return 0;
}

static int build(const struct vxn_create_opts *o, struct creation *c, struct phase *ph,
		 struct vxn_err *err)
{
	struct stat st;

	if (stat(c->plan.rootfs, &st) || !S_ISDIR(st.st_mode))
		return err_set(err, 0, "rootfs (\"%s\") does not exist", c->plan.rootfs);
	if (shares_prepare(&c->plan, err))
		return -1;
	if (c->plan.launch.terminal && !o->console_socket)
		return err_set(err, 0, "process.terminal is set: --console-socket is required "
			       "(vxn always detaches, like runc create)");
	if (!c->plan.launch.terminal && o->console_socket)
		return err_set(err, 0, "--console-socket given but process.terminal is false");
	/* found out here rather than by libxl, after the root disk is built */
	if (access(c->plan.kernel, R_OK))
		return err_set(err, errno, "guest kernel %s", c->plan.kernel);
	if (monitor_find(c->vxn_path, sizeof(c->vxn_path), c->monitor_path,
			 sizeof(c->monitor_path), err))
		return -1;
	/* the engine's init for `run --init` (docker-init) is the host's,
	 * not in the rootfs (plan_mounts.c): look no further */
	if (!(c->plan.launch.nargs && plan_provides(&c->plan, c->plan.launch.args[0])) &&
	    exec_check(c->plan.rootfs, &c->plan.launch, err))
		return -1;
	if (c->root_image ? rootdisk_start_shared(&c->plan, c->root_image, &c->disk, err)
	    : !c->plan.root_shared &&
	      rootdisk_start(&c->plan, c->cache.max ? &c->cache : NULL, &c->disk, err))
		return -1;
	phase_end(ph, "rootdisk");
	if (ramdisk_build(c->cfg.initramfs, &c->plan.launch, c->plan.ramdisk, err))
		return -1;
	phase_end(ph, "ramdisk");
	return 0;
}

/* The container's /etc/resolv.conf as the engine left it after its hooks,
 * for the monitor to send (MONITOR_RESOLV_FILE): Docker names its resolver
 * (127.0.0.11) only from the prestart hook on, after the root disk got its
 * copy. A shared one (volumes) is read live by the guest: nothing to do. */
static int resolv_conf_refresh(const struct creation *c, struct vxn_err *err)
{
	const struct vxn_copy_in *ci = NULL;
	char path[PATH_MAX];
	void *text = NULL;
	size_t len = 0;

	for (size_t i = 0; i < c->plan.ncopy_in; i++)
		if (strcmp(c->plan.copy_in[i].destination, "/etc/resolv.conf") == 0)
			ci = &c->plan.copy_in[i];
	if (!ci)
		return 0;
	int fd = open(ci->source, O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? -errno : read_bounded(fd, VXN_RESOLV_CONF_MAX, &text, &len);
	if (fd >= 0)
		close(fd);
	if (r) {
		log_warn("%s: %s: the guest keeps the copy made at create", ci->source, strerror(-r));
		return 0;
	}
	fd = -1;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", c->dir, MONITOR_RESOLV_FILE) < sizeof path)
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	else
		errno = ENAMETOOLONG;
	r = fd < 0 || write_all(fd, text, len) ? err_set(err, errno, "%s", path) : 0;
	if (fd >= 0)
		close(fd);
	free(text);
	return r;
}

/* runc's points: prestart (deprecated, what Docker uses) then createRuntime,
 * once the pid-file process exists in the container's network namespace;
 * a failing one fails create. Then the guest joins what they made. */
static int connect_container(const char *id, struct creation *c, struct vxn_err *err)
{
	struct hook_state hs = { c->spec.oci_version, id, "creating", c->monitor, c->bundle,
				 c->spec.annotations, c->spec.nannotations };

	note_guest_hooks(&c->spec);
	if (hooks_run(&c->spec, VXN_HOOK_PRESTART, &hs, err) ||
	    hooks_run(&c->spec, VXN_HOOK_CREATE_RUNTIME, &hs, err))
		return -1;
	if (c->spec.netns == VXN_NETNS_HOST)
		return 0;
	if (netwire_connect(c->domid, c->monitor,
			    c->spec.netns == VXN_NETNS_PATH ? c->spec.netns_path : NULL, c->dir, err))
		return -1;
	return resolv_conf_refresh(c, err);
}

static void undo_creation(const char *id, struct creation *c)
{
	rootdisk_abort(&c->plan, &c->disk);
	if (c->monitor_sock >= 0) {
		close(c->monitor_sock);  /* unconfirmed: the monitor tears down and exits */
		c->monitor_sock = -1;
	}
	if (c->monitor > 0 && waitpid(c->monitor, NULL, 0) < 0)
		log_warn("waiting for the monitor: %s", strerror(errno));
	/* a monitor that died in the middle of libxl's create leaves a domain */
	if (c->forked)
		cleanup_leftovers(id, c->dir);
	shares_release(c->plan.share_root);
	if (c->made_dir)
		remove_tree(c->dir);
}

int container_create(const struct vxn_globals *g, const char *id,
		     const struct vxn_create_opts *o, pid_t *monitor_pid, struct vxn_err *err)
{
	cleanup_creation struct creation c = { .lock_fd = -1, .monitor_sock = -1 };
	struct phase ph;
	int r;

	phase_begin(&ph);
	r = prepare(g, id, o, &c, err);
	if (r == 0 && c.sandbox_id) {
		struct member_create_args a = { id, c.sandbox_id, c.bundle, c.dir, &c.spec,
						&c.cfg };
		r = member_create(g, o, &a, monitor_pid, err);
		if (r)
			remove_tree(c.dir);
		return r;
	}
	if (r == 0) {
		phase_end(&ph, "spec");
		r = build(o, &c, &ph, err);
	}
	if (r == 0) {
		r = fork_monitor(g, id, o, &c, err);
		phase_end(&ph, "monitor-fork");
	}
	if (r == 0) {
		/* mke2fs fills the image while the monitor attaches it and libxl
		 * builds the (paused) domain: nothing reads it before start */
		r = c.plan.root_shared ? 0 : rootdisk_finish(&c.plan, &c.disk, err);
		phase_end(&ph, "rootdisk-wait");
	}
	if (r == 0) {
		r = wait_ready(&c, c.monitor_sock, err);
		phase_end(&ph, "monitor-ready");
	}
	if (r == 0) {
		r = connect_container(id, &c, err);
		phase_end(&ph, "hooks-net");
	}
	if (r == 0) {
		r = record_state(id, &c, err);
		if (r == 0)
			r = confirm_monitor(&c, err);
		phase_end(&ph, "state");
	}
	if (r) {
		undo_creation(id, &c);
		if (o->pid_file && c.monitor > 0)
			unlink(o->pid_file);
	} else {
		if (monitor_pid)
			*monitor_pid = c.monitor;
		if (c.cfg.pool_size)
			pool_refill_detached(g, g->root ? g->root : c.cfg.state_root, c.cfg.pool_size);
	}
	return r;
}
