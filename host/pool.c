/* The warm pool: see pool.h. A pool guest is taken by renaming it (libxl
 * renames only from the expected old name), so a claim and a drain, or two
 * claims, never both get the same guest. */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#define POOL_BOOT_WAIT_MS 60000  /* per guest booted by one fill, under emulation */
#define POOL_POLL_MS 100

static int pool_list(struct xen_ctx *x, const char *prefix, struct xen_named_domain *d,
		     size_t *n, struct vxn_err *err)
{
	return xen_list_by_prefix(x, prefix, d, POOL_MAX, n, err);
}

int pool_claim(struct xen_ctx *x, const struct vxn_plan *p, uint32_t *domid,
	       struct vxn_err *err)
{
	struct xen_named_domain d[POOL_MAX];
	struct vxn_err lost;
	size_t n;

	if (!p->pool_prefix)
		return 0;
	if (pool_list(x, p->pool_prefix, d, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!d[i].ready)
			continue;
		if (xen_rename(x, d[i].domid, d[i].name, p->name, &lost) == 0) {
			log_debug("pool: %s (domid %u) is now %s", d[i].name, d[i].domid, p->name);
			*domid = d[i].domid;
			return 1;
		}
		log_debug("pool: %s went to another caller", d[i].name);
	}
	return 0;
}

/* The first "<prefix><k>" no listed guest has. */
static void free_name(const char *prefix, const struct xen_named_domain *d, size_t n,
		      char *out, size_t len)
{
	for (unsigned k = 0;; k++) {
		bool used = false;
		snprintf(out, len, "%s%u", prefix, k);
		for (size_t i = 0; i < n && !used; i++)
			used = strcmp(d[i].name, out) == 0;
		if (!used)
			return;
	}
}

static int boot_one(struct xen_ctx *x, struct vxn_plan *p, const struct xen_named_domain *d,
		    size_t n, struct vxn_err *err)
{
	char name[sizeof(d->name)];
	uint32_t domid;

	free_name(p->pool_prefix, d, n, name, sizeof(name));
	p->name = name;
	int r = xen_create_paused(x, p, NULL, &domid, err);
	p->name = NULL;
	if (r)
		return -1;
	if (xen_unpause(x, domid, err)) {
		struct vxn_err ignored;
		xen_destroy(x, domid, &ignored);
		return -1;
	}
	log_debug("pool: booting %s (domid %u)", name, domid);
	return 0;
}

static size_t count_alive(const struct xen_named_domain *d, size_t n, size_t *ready)
{
	size_t alive = 0;

	*ready = 0;
	for (size_t i = 0; i < n; i++) {
		alive += d[i].alive;
		*ready += d[i].ready;
	}
	return alive;
}

/* Until every pool guest of this shape waits for a monitor (or size do); a
 * guest that died on the way (its guest-init failed) or is still booting at
 * the deadline is named. */
static int wait_booted(struct xen_ctx *x, const char *prefix, size_t size, size_t booted,
		       struct vxn_err *err)
{
	struct xen_named_domain d[POOL_MAX];
	const struct timespec step = { 0, POOL_POLL_MS * 1000000L };
	size_t n, ready;

	for (long waited = 0;; waited += POOL_POLL_MS) {
		if (pool_list(x, prefix, d, &n, err))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!d[i].alive)
				return err_set(err, 0, "pool guest %s stopped while booting (its "
					       "console: xl console %s)", d[i].name, d[i].name);
		/* every guest up, even if creates took some meanwhile */
		if (count_alive(d, n, &ready) == ready || ready >= size)
			return 0;
		if (waited > POOL_BOOT_WAIT_MS * (long)(booted ? booted : 1))
			break;
		nanosleep(&step, NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (!d[i].ready)
			return err_set(err, ETIMEDOUT, "pool guest %s did not come up (its "
				       "console: xl console %s)", d[i].name, d[i].name);
	return err_set(err, ETIMEDOUT, "the pool did not fill");
}

/* Out of the pool by name first, so that a claim racing us keeps its guest
 * (one of the two renames fails); then destroyed. */
static int retire(struct xen_ctx *x, const struct xen_named_domain *d, struct vxn_err *err)
{
	char gone[sizeof(d->name) + 16];
	struct vxn_err lost;

	snprintf(gone, sizeof(gone), "vxn-drained:%u", d->domid);
	if (xen_rename(x, d->domid, d->name, gone, &lost))
		return 0;
	return xen_destroy(x, d->domid, err);
}

/* Guests of this shape that stopped (their guest-init failed) only take
 * memory: destroyed before booting more. */
static int retire_dead(struct xen_ctx *x, const char *prefix, struct vxn_err *err)
{
	struct xen_named_domain d[POOL_MAX];
	size_t n;

	if (pool_list(x, prefix, d, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!d[i].alive && retire(x, &d[i], err))
			return -1;
	return 0;
}

int pool_fill(const struct vxn_globals *g, unsigned size, struct vxn_err *err)
{
	struct vxn_config cfg;
	struct vxn_plan plan;
	struct xen_ctx *x = NULL;
	struct xen_named_domain d[POOL_MAX];
	size_t n, ready, booted = 0;
	int r = -1;

	if (size > POOL_MAX)
		return err_set(err, 0, "pool size %u: at most %u", size, POOL_MAX);
	if (config_load(g->config_path, &cfg, err))
		return -1;
	if (plan_for_pool(&cfg, &plan, err))
		goto out_cfg;
	if (access(plan.kernel, R_OK) || access(plan.ramdisk, R_OK)) {
		err_set(err, errno, "guest kernel %s or initramfs %s", plan.kernel, plan.ramdisk);
		goto out_plan;
	}
	if (xen_open(&x, err))
		goto out_plan;
	if (retire_dead(x, plan.pool_prefix, err))
		goto out;
	for (;;) {
		if (pool_list(x, plan.pool_prefix, d, &n, err))
			goto out;
		if (count_alive(d, n, &ready) >= size)
			break;
		if (boot_one(x, &plan, d, n, err))
			goto out;
		booted++;
	}
	r = wait_booted(x, plan.pool_prefix, size, booted, err);
out:
	xen_close(x);
out_plan:
	plan_free(&plan);
out_cfg:
	config_free(&cfg);
	return r;
}

int pool_drain(const struct vxn_globals *g, struct vxn_err *err)
{
	struct xen_named_domain d[POOL_MAX];
	struct xen_ctx *x = NULL;
	size_t n;
	int r;

	(void)g;
	if (xen_open(&x, err))
		return -1;
	r = pool_list(x, PLAN_POOL_PREFIX, d, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = retire(x, &d[i], err);
	xen_close(x);
	return r;
}

int pool_print(const struct vxn_globals *g, FILE *out, struct vxn_err *err)
{
	struct xen_named_domain d[POOL_MAX];
	struct xen_ctx *x = NULL;
	size_t n;

	(void)g;
	if (xen_open(&x, err))
		return -1;
	int r = pool_list(x, PLAN_POOL_PREFIX, d, &n, err);
	xen_close(x);
	if (r)
		return -1;
	fprintf(out, "%-40s %-6s %s\n", "NAME", "DOMID", "STATE");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-40s %-6u %s\n", d[i].name, d[i].domid,
			d[i].ready ? "ready" : d[i].alive ? "booting" : "dead");
	return 0;
}

/* In the detached grandchild: nothing of create's (its state directory's
 * lock above all: delete waits on it) may stay open here. */
static _Noreturn void refill_in_background(const struct vxn_globals *g, const char *root,
					   unsigned size)
{
	struct vxn_err err;
	int null = open("/dev/null", O_RDWR);

	setsid();
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	close_range(3, ~0u, 0);
	/* the state root itself is the lock: nothing to leave behind (a
	 * container's lock is its own directory) */
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB))
		_exit(0);  /* another refill is at it */
	if (pool_fill(g, size, &err))
		log_warn("pool refill: %s", err.msg);
	_exit(0);
}

void pool_refill_detached(const struct vxn_globals *g, const char *root, unsigned size)
{
	pid_t child = fork();

	if (child < 0) {
		log_warn("pool refill: fork: %s", strerror(errno));
		return;
	}
	if (child == 0) {
		if (fork() == 0)
			refill_in_background(g, root, size);
		_exit(0);
	}
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
}
