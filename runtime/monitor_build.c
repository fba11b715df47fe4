#include "monitor_build.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "phase.h"
#include "pool.h"
#include "xen.h"

/* What the child writes to the pipe, once. */
struct report {
	uint32_t ok;
	struct domain_built built;
	struct vxn_err err;
};

/* A pool guest (renamed to p->name and its root disk hot-plugged while it
 * still runs, so that the disk connects while create waits for mke2fs),
 * else a guest of our own created paused. */
static int build(struct xen_ctx *x, const struct domain_build *in, struct domain_built *out,
		 struct vxn_err *err)
{
	const struct vxn_plan *p = in->plan;
	struct phase ph;
	int r = 0;

	phase_begin(&ph);
	if (in->try_pool)
		r = pool_claim(x, p, &out->domid, err);
	if (r < 0)
		return -1;
	if (r == 1) {
		out->have_domain = out->pooled = true;
		phase_end(&ph, "pool-claim");
		if (xen_attach_disk(x, out->domid, p, in->loop_path, err))
			return -1;
		phase_end(&ph, "pool-disk-attach");
		return 0;
	}
	if (xen_create_paused(x, p, in->loop_path, &out->domid, err))
		return -1;
	out->have_domain = true;
	phase_end(&ph, "libxl-create");
	return 0;
}

static _Noreturn void build_in_child(const struct domain_build *in, int fd)
{
	struct report rep;
	struct xen_ctx *x = NULL;

	memset(&rep, 0, sizeof rep);
	if (xen_open(&x, &rep.err) == 0 && build(x, in, &rep.built, &rep.err) == 0)
		rep.ok = 1;
	xen_close(x);
	ssize_t n = write(fd, &rep, sizeof rep);
	_exit(n == (ssize_t)sizeof rep ? 0 : 1);
}

static bool read_report(int fd, struct report *rep)
{
	size_t got = 0;

	while (got < sizeof *rep) {
		ssize_t n = read(fd, (char *)rep + got, sizeof *rep - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* The child died before it reported: whatever it made has the domain's name. */
static void find_leftover(const struct domain_build *in, struct domain_built *out)
{
	struct xen_ctx *x = NULL;
	struct vxn_err e;

	if (xen_open(&x, &e) == 0 && xen_domid_by_name(x, in->plan->name, &out->domid, &e) == 0)
		out->have_domain = true;
	xen_close(x);
}

int domain_build(const struct domain_build *in, struct domain_built *out,
		 struct vxn_err *err)
{
	struct report rep;
	int fds[2], st = 0;

	memset(out, 0, sizeof *out);
	if (pipe2(fds, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		build_in_child(in, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return err_set(err, errno, "fork");
	}
	bool reported = read_report(fds[0], &rep);
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!reported) {
		find_leftover(in, out);
		return err_set(err, ECHILD, "making domain %s: the process building it died "
			       "(wait status 0x%x)", in->plan->name, (unsigned)st);
	}
	*out = rep.built;
	if (!rep.ok) {
		*err = rep.err;
		return -1;
	}
	return 0;
}
