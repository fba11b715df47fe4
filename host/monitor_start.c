/* The monitor's first part, in create's forked child: attach the root disk,
 * build the domain through libxl (or take a warm pool guest), then exec
 * vxn-monitor (monitor.c), which has no libxl. libxl's create path touches
 * about 1.5 MiB of library code and the child inherits all of create's
 * heap; the exec leaves both behind, so what stays resident for the
 * container's life is a small static program (tests/bench: monitor memory).
 * Until the exec succeeds, a failure here destroys what was made and is
 * reported to create over ready_fd, as the monitor would. */
#include "monitor_start.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "log.h"
#include "loop.h"
#include "monitor_handoff.h"
#include "phase.h"
#include "pool.h"
#include "spec.h"
#include "xen.h"

#ifndef VXN_LIBEXEC_DIR
#define VXN_LIBEXEC_DIR "/usr/libexec/vxn"
#endif

struct start {
	const struct monitor_args *a;
	struct timespec t0;
	struct phase ph;
	struct xen_ctx *xen;
	int loop_fd;
	char loop_path[LOOP_PATH_MAX];
	uint32_t domid;
	bool have_domain;
	bool pooled;
	uint8_t *launch;   /* a pool guest's, sent by vxn-monitor once it is armed */
	size_t launch_len;
};

/* Closes every fd from 3 on except keep1 and keep2. */
static void close_all_but(int keep1, int keep2)
{
	int lo = keep1 < keep2 ? keep1 : keep2, hi = keep1 < keep2 ? keep2 : keep1;
	unsigned from = 3;

	for (int k = 0; k < 2; k++) {
		int keep = k == 0 ? lo : hi;
		if (keep < (int)from)
			continue;
		if ((unsigned)keep > from)
			close_range(from, (unsigned)keep - 1, 0);
		from = (unsigned)keep + 1;
	}
	close_range(from, ~0u, 0);
}

static void process_setup(const struct monitor_args *a)
{
	char path[PATH_MAX];
	sigset_t none;

	setsid();
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* nothing of the caller's but stdio and our pipe stays open */
	close_all_but(a->ready_fd, a->lock_fd);
	log_setup(monitor_log_path(a->g->log_path, a->state_dir, path, sizeof(path)),
		  a->g->log_path && a->g->log_json, a->g->debug);
}

/* A pool guest (renamed to p->name and its root disk hot-plugged while it
 * still runs, so that the disk connects while create waits for mke2fs),
 * else a guest of our own created paused, unless the launch data is too
 * large to be queued ahead of any other frame. */
static int build(struct start *s, struct vxn_err *err)
{
	const struct vxn_plan *p = s->a->plan;
	int r = 0;

	if (vxn_launch_encode(&p->launch, &s->launch, &s->launch_len))
		return err_set(err, EINVAL, "encoding the launch data");
	if (p->nshares)
		/* Xen 4.17 cannot add a p9 device to a running domain */
		log_debug("monitor: %zu 9pfs device(s)%s: no pool guest (9pfs devices are set at "
			  "domain creation only)", plan_share_devices(p), p->root_shared ? ", the root's "
			  "among them (vxn.conf: rootfs = share)" : "");
	else if (s->launch_len <= VXN_POOL_LAUNCH_MAX)
		r = pool_claim(s->xen, p, &s->domid, err);
	else
		log_debug("monitor: launch data of %zu bytes: no pool guest", s->launch_len);
	if (r < 0)
		return -1;
	if (r == 1) {
		s->have_domain = s->pooled = true;
		phase_end(&s->ph, "pool-claim");
		if (xen_attach_disk(s->xen, s->domid, p, s->loop_path, err))
			return -1;
		phase_end(&s->ph, "pool-disk-attach");
		return 0;
	}
	free(s->launch);  /* in the ramdisk already */
	s->launch = NULL;
	s->launch_len = 0;
	if (xen_create_paused(s->xen, p, s->loop_fd >= 0 ? s->loop_path : NULL, &s->domid, err))
		return -1;
	s->have_domain = true;
	phase_end(&s->ph, "libxl-create");
	return 0;
}

int monitor_find(char *vxn_path, size_t vxn_len, char *mon_path, size_t mon_len,
		 struct vxn_err *err)
{
	char dir[PATH_MAX];
	int r = self_exe_path(vxn_path, vxn_len);

	if (r)
		return err_set(err, -r, "readlink /proc/self/exe");
	snprintf(dir, sizeof(dir), "%s", vxn_path);
	if ((size_t)snprintf(mon_path, mon_len, "%s/vxn-monitor", dirname(dir)) < mon_len &&
	    access(mon_path, X_OK) == 0)
		return 0;
	snprintf(mon_path, mon_len, "%s/vxn-monitor", VXN_LIBEXEC_DIR);
	return access(mon_path, X_OK) ? err_set(err, errno, "vxn-monitor, the per-container "
						"monitor, is not installed (%s)", mon_path) : 0;
}

static int keep_across_exec(int fd)
{
	return fd < 0 ? 0 : fcntl(fd, F_SETFD, 0);
}

static int fill_handoff(const struct start *s, struct monitor_handoff *h, struct vxn_err *err)
{
	const struct monitor_args *a = s->a;
	const struct vxn_launch *l = &a->plan->launch;
	struct timespec now;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, MONITOR_HANDOFF_MAGIC, sizeof(MONITOR_HANDOFF_MAGIC));
	h->size = sizeof(*h);
	h->domid = s->domid;
	h->launch_len = (uint32_t)s->launch_len;
	h->ready_fd = a->ready_fd;
	h->lock_fd = a->lock_fd;
	h->loop_fd = s->loop_fd;
	h->pooled = s->pooled;
	h->terminal = l->terminal;
	h->rows = l->rows;
	h->cols = l->cols;
	h->log_json = a->g->log_path && a->g->log_json;
	h->debug = a->g->debug;
	h->net_wait = l->net_wait;
	h->t0_sec = s->t0.tv_sec;
	h->t0_nsec = s->t0.tv_nsec;
	clock_gettime(CLOCK_MONOTONIC, &now);
	h->exec_sec = now.tv_sec;
	h->exec_nsec = now.tv_nsec;
	if (handoff_set(h->id, sizeof(h->id), a->id, "the container ID", err) ||
	    handoff_set(h->domain_name, sizeof(h->domain_name), a->plan->name, "the domain name", err) ||
	    handoff_set(h->state_dir, sizeof(h->state_dir), a->state_dir, "the state dir", err) ||
	    handoff_set(h->pid_file, sizeof(h->pid_file), a->pid_file, "--pid-file", err) ||
	    handoff_set(h->console_socket, sizeof(h->console_socket), a->console_socket,
			"--console-socket", err) ||
	    handoff_set(h->log_path, sizeof(h->log_path), a->g->log_path, "--log", err) ||
	    handoff_set(h->vxn_path, sizeof(h->vxn_path), a->vxn_path, "vxn's path", err))
		return -1;
	return 0;
}

/* Returns only on failure. */
static int exec_monitor(struct start *s, struct vxn_err *err)
{
	char fd_arg[16];
	struct monitor_handoff *h = malloc(sizeof(*h));
	int fd = -1;

	if (!h)
		return err_set(err, ENOMEM, "the monitor's handoff");
	if (fill_handoff(s, h, err))
		goto out;
	fd = handoff_to_memfd(h, s->launch, err);
	if (fd < 0)
		goto out;
	if (keep_across_exec(s->a->ready_fd) || keep_across_exec(s->a->lock_fd) ||
	    keep_across_exec(s->loop_fd)) {
		err_set(err, errno, "fcntl");
		goto out;
	}
	snprintf(fd_arg, sizeof(fd_arg), "%d", fd);
	execl(s->a->monitor_path, "vxn-monitor", fd_arg, (char *)NULL);
	err_set(err, errno, "running %s", s->a->monitor_path);
out:
	if (fd >= 0)
		close(fd);
	free(h);
	return -1;
}

static _Noreturn void start_failed(struct start *s, const struct vxn_err *err)
{
	struct vxn_err e;

	log_debug("monitor: setup failed: %s", err->msg);
	if (s->have_domain && (s->xen || xen_open(&s->xen, &e) == 0) &&
	    xen_destroy(s->xen, s->domid, &e))
		log_warn("monitor: %s", e.msg);
	loop_detach(s->loop_fd);
	monitor_tell_create(s->a->ready_fd, 0, err);
	_exit(1);
}

/* The pid-file process lives in the container's network namespace, as
 * runc's container process does: Docker's prestart hook wires the netns of
 * the state's pid, and the namespace lives as long as this process. */
static int enter_netns(const struct monitor_args *a, struct vxn_err *err)
{
	if (a->netns == VXN_NETNS_NEW)
		return unshare(CLONE_NEWNET) ? err_set(err, errno, "a new network namespace") : 0;
	if (a->netns != VXN_NETNS_PATH)
		return 0;
	int fd = open(a->netns_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "network namespace %s", a->netns_path);
	int r = setns(fd, CLONE_NEWNET);
	int e = errno;
	close(fd);
	return r ? err_set(err, e, "joining the network namespace %s", a->netns_path) : 0;
}

_Noreturn void monitor_start(const struct monitor_args *a)
{
	struct start s = { .a = a, .loop_fd = -1 };
	struct vxn_err err = { 0 };

	clock_gettime(CLOCK_MONOTONIC, &s.t0);
	process_setup(a);
	phase_begin(&s.ph);
	if (enter_netns(a, &err))
		start_failed(&s, &err);
	if (!a->plan->root_shared &&
	    loop_attach(a->plan->disk_image, a->plan->disk_readonly, &s.loop_fd, s.loop_path, &err))
		start_failed(&s, &err);
	phase_end(&s.ph, "loop-attach");
	if (xen_open(&s.xen, &err) || build(&s, &err))
		start_failed(&s, &err);
	log_debug("monitor: domain %s (domid %u) %s", a->plan->name, s.domid,
		  s.pooled ? "taken from the pool" : "created paused");
	xen_close(s.xen);
	s.xen = NULL;
	exec_monitor(&s, &err);
	start_failed(&s, &err);
}
