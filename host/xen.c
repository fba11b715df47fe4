/* The only includer of libxl.h: plan -> libxl_domain_config, domain
 * lifecycle calls.
 * libxl discipline: every IDL value is _init'ed and _dispose'd exactly once,
 * strings handed to libxl are malloc'd, one out: label per function. */
#include "xen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "log.h"
#include "xen_log.h"

struct xen_ctx {
	libxl_ctx *lx;
};

/* ------------------------------------------------------------ context */

static int lx_err(struct vxn_err *err, int rc, const char *what)
{
	return err_set(err, rc == ERROR_DOMAIN_NOTFOUND ? ENOENT : 0, "libxl: %s failed (rc %d)",
		       what, rc);
}

/* A failed create or device add: libxl's last error line names the problem
 * when it logged one (its return codes do not). */
static int lx_fail(struct vxn_err *err, int rc, const char *what)
{
	if (xen_log_last_error()[0])
		return err_set(err, 0, "%s failed: %s", what, xen_log_last_error());
	return lx_err(err, rc, what);
}

int xen_open(struct xen_ctx **out, struct vxn_err *err)
{
	struct xen_ctx *x = calloc(1, sizeof(*x));
	xentoollog_logger *lg = xen_logger();
	int rc;

	if (!x) {
		free(x);
		return err_set(err, ENOMEM, "xen_open");
	}
	rc = libxl_ctx_alloc(&x->lx, LIBXL_VERSION, 0, lg);
	if (rc) {
		free(x);
		return err_set(err, 0, "cannot open libxl (is this a Xen dom0 with xenstored "
				       "running?): rc %d", rc);
	}
	*out = x;
	return 0;
}

void xen_close(struct xen_ctx *x)
{
	if (!x)
		return;
	libxl_ctx_free(x->lx);
	free(x);
}

/* ------------------------------------------------------------ plan -> config */

#define HOTPLUG_NOOP "/bin/true"
#define XVDA_DEVID 51712u  /* (202 << 8): xvda in Xen's vbd numbering */

static int disk_from_plan(const struct vxn_plan *p, const char *loop_dev,
			  libxl_device_disk *d)
{
	d->pdev_path = strdup(loop_dev);
	d->vdev = strdup("xvda");
	if (!d->pdev_path || !d->vdev)
		return -1;
	/* A raw loop device through blkback: no qemu, no qdisk. */
	d->backend = LIBXL_DISK_BACKEND_PHY;
	d->format = LIBXL_DISK_FORMAT_RAW;
	d->readwrite = !p->disk_readonly;
	/* The stock "block" hotplug script only looks the device up and writes
	 * physical-device; it costs ~35 s per domain under emulation (and
	 * seconds on real hardware). vxn writes that node itself
	 * (publish_disk) while the domain is still paused. */
	d->script = strdup(HOTPLUG_NOOP);
	return d->script ? 0 : -1;
}

static int build_info_from_plan(libxl_ctx *lx, const struct vxn_plan *p,
				libxl_domain_build_info *b)
{
	unsigned max = p->max_vcpus > p->vcpus ? p->max_vcpus : p->vcpus;

	b->max_vcpus = (int)max;
	if (libxl_cpu_bitmap_alloc(lx, &b->avail_vcpus, (int)max))
		return -1;
	for (unsigned i = 0; i < p->vcpus; i++)
		libxl_bitmap_set(&b->avail_vcpus, (int)i);
	b->target_memkb = p->memory_kib;
	b->max_memkb = p->max_memory_kib > p->memory_kib ? p->max_memory_kib : p->memory_kib;
	b->kernel = strdup(p->kernel);
	b->ramdisk = strdup(p->ramdisk);
	b->cmdline = strdup(p->cmdline ? p->cmdline : "");
	return b->kernel && b->ramdisk && b->cmdline ? 0 : -1;
}

/* Volumes: one p9 device per share, served by the QEMU that libxl starts
 * in dom0 for a PV guest with p9 devices (none without: no QEMU at all).
 * security_model "none" is the only one Xen supports: QEMU, as root, makes
 * files as the guest asks; shares.h keeps it inside the export. */
static int p9s_from_plan(const struct vxn_plan *p, libxl_domain_config *dc)
{
	size_t n = plan_share_devices(p);
	if (n == 0)
		return 0;
	dc->p9s = calloc(n, sizeof(*dc->p9s));
	if (!dc->p9s)
		return -1;
	for (size_t i = 0; i < p->nshares; i++) {
		if (p->shares[i].rides)
			continue;
		libxl_device_p9 *d = &dc->p9s[dc->num_p9s];
		libxl_device_p9_init(d);
		d->tag = strdup(p->shares[i].tag);
		d->path = strdup(p->shares[i].export_dir);
		d->security_model = strdup("none");
		d->devid = (libxl_devid)dc->num_p9s++;
		if (!d->tag || !d->path || !d->security_model)
			return -1;
	}
	return 0;
}

static int config_from_plan(libxl_ctx *lx, const struct vxn_plan *p, const char *loop_dev,
			    libxl_domain_config *dc)
{
	dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
	dc->c_info.name = strdup(p->name);
	if (!dc->c_info.name)
		return -1;
	libxl_domain_build_info_init_type(&dc->b_info, LIBXL_DOMAIN_TYPE_PV);
	if (build_info_from_plan(lx, p, &dc->b_info))
		return -1;
	if (loop_dev) {
		dc->disks = calloc(1, sizeof(*dc->disks));
		if (!dc->disks)
			return -1;
		dc->num_disks = 1;
		libxl_device_disk_init(&dc->disks[0]);
		if (disk_from_plan(p, loop_dev, &dc->disks[0]))
			return -1;
	}
	if (p9s_from_plan(p, dc))
		return -1;
	/* libxl never acts on these itself; the monitor watches the events and
	 * destroys the domain. They document the intent for xl and friends. */
	dc->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	return 0;
}

/* Tell blkback which device backs xvda: what the "block" script would do.
 * The backend's path is built, not read from the frontend's "backend" key:
 * that key is the guest's to write (a pool guest's disk is added while it
 * runs), and it could point dom0's write at another domain's disk. */
static int publish_disk(uint32_t domid, const char *loop_dev, struct vxn_err *err)
{
	char be[96], path[256], val[32];
	struct stat st;
	struct xs_handle *xs;
	int r = -1;

	if (stat(loop_dev, &st))
		return err_set(err, errno, "%s", loop_dev);
	if (!S_ISBLK(st.st_mode))
		return err_set(err, ENOTBLK, "%s", loop_dev);
	xs = xs_open(0);
	if (!xs)
		return err_set(err, errno, "connecting to xenstore");
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", domid, XVDA_DEVID);
	snprintf(path, sizeof(path), "%s/physical-device", be);
	snprintf(val, sizeof(val), "%x:%x", major(st.st_rdev), minor(st.st_rdev));
	if (!xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val))) {
		err_set(err, errno, "writing %s", path);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/physical-device-path", be);
	xs_write(xs, XBT_NULL, path, loop_dev, (unsigned)strlen(loop_dev));
	log_debug("xenstore: %s/physical-device = %s (%s)", be, val, loop_dev);
	r = 0;
out:
	xs_close(xs);
	return r;
}

/* What xl's freemem does without ballooning dom0: a guest the host cannot
 * give memory to is refused with the numbers, not with libxl's ERROR_FAIL. */
static int check_free_memory(libxl_ctx *lx, libxl_domain_config *dc, struct vxn_err *err)
{
	uint64_t need = 0, free_kb = 0;
	int rc = libxl_domain_need_memory(lx, dc, INVALID_DOMID, &need);

	if (rc == 0)
		rc = libxl_get_free_memory(lx, &free_kb);
	if (rc) {
		log_debug("cannot tell the host's free memory (rc %d): trying anyway", rc);
		return 0;
	}
	log_debug("guest needs %llu KiB, host has %llu KiB free", (unsigned long long)need,
		  (unsigned long long)free_kb);
	if (need > free_kb)
		return err_set(err, ENOMEM, "not enough free memory on the host for the guest: "
			       "it needs %llu MiB, %llu MiB are free", (unsigned long long)need / 1024,
			       (unsigned long long)free_kb / 1024);
	return 0;
}

int xen_create_paused(struct xen_ctx *x, const struct vxn_plan *p, const char *loop_dev,
		      uint32_t *domid, struct vxn_err *err)
{
	libxl_domain_config dc;
	uint32_t id = INVALID_DOMID;
	int rc, r = -1;

	libxl_domain_config_init(&dc);
	if (config_from_plan(x->lx, p, loop_dev, &dc)) {
		err_set(err, ENOMEM, "building the domain configuration");
		goto out;
	}
	log_debug("libxl_domain_create_new %s (kernel %s, ramdisk %s, %llu KiB, %u vcpus, xvda %s %s, "
		  "%zu p9 shares)", p->name, p->kernel, p->ramdisk, (unsigned long long)p->memory_kib,
		  p->vcpus, loop_dev ? loop_dev : "none", p->disk_readonly ? "ro" : "rw", p->nshares);
	if (check_free_memory(x->lx, &dc, err))
		goto out;
	xen_log_clear_error();
	rc = libxl_domain_create_new(x->lx, &dc, &id, NULL, NULL);
	if (rc) {
		lx_fail(err, rc, "creating the domain");
		/* libxl may leave a half-built domain behind (ERROR_ABORTED). */
		if (id != (uint32_t)INVALID_DOMID || !libxl_name_to_domid(x->lx, p->name, &id))
			libxl_domain_destroy(x->lx, id, NULL);
		goto out;
	}
	log_debug("domain %s created paused: domid %u", p->name, id);
	if (loop_dev && publish_disk(id, loop_dev, err)) {
		libxl_domain_destroy(x->lx, id, NULL);
		goto out;
	}
	*domid = id;
	r = 0;
out:
	libxl_domain_config_dispose(&dc);
	return r;
}

int xen_attach_disk(struct xen_ctx *x, uint32_t domid, const struct vxn_plan *p,
		    const char *loop_dev, struct vxn_err *err)
{
	libxl_device_disk d;
	int rc, r = -1;

	libxl_device_disk_init(&d);
	if (disk_from_plan(p, loop_dev, &d)) {
		err_set(err, ENOMEM, "building the disk configuration");
		goto out;
	}
	xen_log_clear_error();
	rc = libxl_device_disk_add(x->lx, domid, &d, NULL);
	log_debug("libxl_device_disk_add %u xvda %s: rc %d", domid, loop_dev, rc);
	if (rc) {
		lx_fail(err, rc, "attaching the root disk");
		goto out;
	}
	r = publish_disk(domid, loop_dev, err);
out:
	libxl_device_disk_dispose(&d);
	return r;
}

/* ------------------------------------------------------------ network */

int xen_add_nic(struct xen_ctx *x, uint32_t domid, const uint8_t mac[6], unsigned mtu,
		int *devid, struct vxn_err *err)
{
	libxl_device_nic n;
	int rc, r = -1;

	libxl_device_nic_init(&n);
	memcpy(n.mac, mac, 6);
	n.mtu = (int)mtu;
	n.devid = -1;
	/* vxn moves the vif into the container's netns and writes
	 * hotplug-status itself (netwire.c): no vif-bridge, no bridge */
	n.script = strdup(HOTPLUG_NOOP);
	if (!n.script) {
		err_set(err, ENOMEM, "building the NIC configuration");
		goto out;
	}
	xen_log_clear_error();
	rc = libxl_device_nic_add(x->lx, domid, &n, NULL);
	log_debug("libxl_device_nic_add %u mtu %u: rc %d, devid %d", domid, mtu, rc, n.devid);
	if (rc) {
		lx_fail(err, rc, "adding the network interface");
		goto out;
	}
	*devid = n.devid;
	r = 0;
out:
	libxl_device_nic_dispose(&n);
	return r;
}

/* The backend path is dom0's own (backend domid 0, as xen_add_nic asks),
 * not read from the guest-writable frontend directory. */
int xen_nic_connect(uint32_t domid, int devid, struct vxn_err *err)
{
	char path[128];
	struct xs_handle *xs = xs_open(0);
	int r = 0;

	if (!xs)
		return err_set(err, errno, "connecting to xenstore");
	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%d/hotplug-status", domid,
		 devid);
	if (!xs_write(xs, XBT_NULL, path, "connected", 9))
		r = err_set(err, errno, "writing %s", path);
	log_debug("xenstore: %s = connected: %d", path, r);
	xs_close(xs);
	return r;
}

/* Graceful: the guest's netfront closes first. libxl bounds the wait for
 * it (LIBXL_DESTROY_TIMEOUT) and then tears the backend down anyway, so a
 * guest that never answers cannot keep its NIC. */
int xen_remove_nic(struct xen_ctx *x, uint32_t domid, int devid, struct vxn_err *err)
{
	libxl_device_nic n;
	int rc;

	libxl_device_nic_init(&n);
	xen_log_clear_error();
	rc = libxl_devid_to_device_nic(x->lx, domid, devid, &n);
	if (rc == 0)
		rc = libxl_device_nic_remove(x->lx, domid, &n, NULL);
	log_debug("libxl_device_nic_remove %u/%d: rc %d", domid, devid, rc);
	libxl_device_nic_dispose(&n);
	return rc ? lx_fail(err, rc, "removing a network interface") : 0;
}

/* ------------------------------------------------------------ lifecycle */

int xen_unpause(struct xen_ctx *x, uint32_t domid, struct vxn_err *err)
{
	int rc = libxl_domain_unpause(x->lx, domid, NULL);

	log_debug("libxl_domain_unpause %u: rc %d", domid, rc);
	return rc ? lx_err(err, rc, "unpausing the domain") : 0;
}

int xen_pause(struct xen_ctx *x, uint32_t domid, struct vxn_err *err)
{
	int rc = libxl_domain_pause(x->lx, domid, NULL);

	log_debug("libxl_domain_pause %u: rc %d", domid, rc);
	return rc ? lx_err(err, rc, "pausing the domain") : 0;
}

/* xs_rm of path, then of each parent that is left empty, up to (not
 * including) the ancestor `top`: what libxl's libxl__xs_path_cleanup does. */
static void rm_with_empty_parents(struct xs_handle *xs, xs_transaction_t t, char *path,
				  size_t top)
{
	xs_rm(xs, t, path);
	for (char *slash = strrchr(path, '/'); slash && (size_t)(slash - path) > top;
	     slash = strrchr(path, '/')) {
		unsigned int n = 0;
		*slash = '\0';
		char **left = xs_directory(xs, t, path, &n);
		bool empty = left && n == 0;
		free(left);
		if (!empty)
			return;
		xs_rm(xs, t, path);
	}
}

/* Removes one 9pfs device's xenstore nodes (backend, frontend, libxl's), as
 * libxl__device_destroy does, in one transaction. The paths are built from
 * numbers: nothing the guest wrote is followed. */
static bool forget_p9(struct xs_handle *xs, uint32_t domid, unsigned devid)
{
	static const char backends[] = "/local/domain/0/backend";
	char be[96], fe[96], lx[96];

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/9pfs/%u", domid, devid);
	snprintf(lx, sizeof(lx), "/libxl/%u/device/9pfs/%u", domid, devid);
	for (int tries = 0; tries < 5; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		if (t == XBT_NULL)
			return false;
		snprintf(be, sizeof(be), "%s/9pfs/%u/%u", backends, domid, devid);
		rm_with_empty_parents(xs, t, be, strlen(backends));
		xs_rm(xs, t, fe);
		xs_rm(xs, t, lx);
		if (xs_transaction_end(xs, t, false))
			return true;
		if (errno != EAGAIN)
			return false;
	}
	return false;
}

/* libxl's destroy gives every QEMU-served device of a paused, dying or
 * shut-down domain a fixed 2 s (LIBXL_QEMU_BODGE_TIMEOUT in libxl_device.c)
 * before it removes the device's nodes: 2 s off every container's delete,
 * for its shares. The destroy kills that QEMU anyway and the guest is going,
 * so the nodes go first and libxl has no QEMU device left to wait for. */
static void forget_p9s(uint32_t domid)
{
	char dir[64];
	unsigned int n = 0;
	struct xs_handle *xs = xs_open(0);

	if (!xs)
		return;
	snprintf(dir, sizeof(dir), "/libxl/%u/device/9pfs", domid);
	char **devs = xs_directory(xs, XBT_NULL, dir, &n);
	for (unsigned int i = 0; devs && i < n; i++) {
		char *end;
		unsigned long devid = strtoul(devs[i], &end, 10);
		if (*end || end == devs[i] || devid > 255)
			continue;
		if (!forget_p9(xs, domid, (unsigned)devid))
			log_debug("xenstore: 9pfs %lu of domain %u left to libxl: %s", devid, domid,
				  strerror(errno));
	}
	free(devs);
	xs_close(xs);
}

int xen_destroy(struct xen_ctx *x, uint32_t domid, struct vxn_err *err)
{
	forget_p9s(domid);
	int rc = libxl_domain_destroy(x->lx, domid, NULL);

	log_debug("libxl_domain_destroy %u: rc %d", domid, rc);
	return rc ? lx_err(err, rc, "destroying the domain") : 0;
}

int xen_rename(struct xen_ctx *x, uint32_t domid, const char *old_name, const char *new_name,
	       struct vxn_err *err)
{
	int rc = libxl_domain_rename(x->lx, domid, old_name, new_name);

	log_debug("libxl_domain_rename %u %s -> %s: rc %d", domid, old_name, new_name, rc);
	return rc ? lx_err(err, rc, "renaming the domain") : 0;
}

/* The guest's data/ key (guest-written: bounded, compared, never kept). */
static bool guest_key_is(struct xs_handle *xs, uint32_t domid, const char *key,
			 const char *want)
{
	char path[128];
	unsigned int len = 0;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
	char *v = xs_read(xs, XBT_NULL, path, &len);
	bool is = v && len == strlen(want) && memcmp(v, want, len) == 0;
	free(v);
	return is;
}

int xen_list_by_prefix(struct xen_ctx *x, const char *prefix, struct xen_named_domain *out,
		       size_t cap, size_t *n, struct vxn_err *err)
{
	int count = 0;
	libxl_dominfo *info = libxl_list_domain(x->lx, &count);
	struct xs_handle *xs;

	*n = 0;
	if (!info)
		return err_set(err, 0, "libxl: listing the domains failed");
	xs = xs_open(0);
	if (!xs) {
		libxl_dominfo_list_free(info, count);
		return err_set(err, errno, "connecting to xenstore");
	}
	for (int i = 0; i < count && *n < cap; i++) {
		char *name = libxl_domid_to_name(x->lx, info[i].domid);
		if (name && strncmp(name, prefix, strlen(prefix)) == 0 &&
		    strlen(name) < sizeof(out->name)) {
			struct xen_named_domain *d = &out[(*n)++];
			d->domid = info[i].domid;
			strcpy(d->name, name);
			d->alive = !info[i].shutdown && !info[i].dying;
			d->ready = d->alive && guest_key_is(xs, d->domid, VXN_XS_POOL_READY,
							    VXN_POOL_READY_VALUE);
		}
		free(name);
	}
	xs_close(xs);
	libxl_dominfo_list_free(info, count);
	return 0;
}

int xen_domid_by_name(struct xen_ctx *x, const char *name, uint32_t *domid,
		      struct vxn_err *err)
{
	int rc = libxl_name_to_domid(x->lx, name, domid);

	log_debug("libxl_name_to_domid %s: rc %d", name, rc);
	/* ERROR_INVAL: not among the domains; anything else: no list to look in */
	if (rc == ERROR_INVAL)
		return err_set(err, ENOENT, "no domain named %s", name);
	return rc ? lx_err(err, rc, "listing the domains") : 0;
}

int xen_domain_name(struct xen_ctx *x, uint32_t domid, char *name, size_t len,
		    struct vxn_err *err)
{
	char *n = libxl_domid_to_name(x->lx, domid);

	if (!n)
		return err_set(err, ENOENT, "no domain %u", domid);
	snprintf(name, len, "%s", n);
	free(n);
	return 0;
}

int xen_domain_info(struct xen_ctx *x, uint32_t domid, struct xen_dominfo *info,
		    struct vxn_err *err)
{
	libxl_dominfo di;
	int rc, r = -1;

	memset(info, 0, sizeof(*info));
	libxl_dominfo_init(&di);
	rc = libxl_domain_info(x->lx, &di, domid);
	if (rc == ERROR_DOMAIN_NOTFOUND || rc == ERROR_INVAL) {
		r = 0;
		goto out;
	}
	if (rc) {
		lx_err(err, rc, "reading domain info");
		goto out;
	}
	info->exists = true;
	info->paused = di.paused;
	info->shutdown = di.shutdown;
	info->dying = di.dying;
	info->shutdown_reason = di.shutdown ? (int)di.shutdown_reason : XEN_SHUTDOWN_UNKNOWN;
	info->cpu_time_ns = di.cpu_time;
	info->current_kib = di.current_memkb;
	info->max_kib = di.max_memkb;
	info->vcpus_online = di.vcpu_online;
	info->vcpus_max = di.vcpu_max_id + 1;
	r = 0;
out:
	libxl_dominfo_dispose(&di);
	return r;
}

/* memory/static-max in xenstore: the max_memkb the domain was built with. */
static int static_max_kib(uint32_t domid, uint64_t *kib, struct vxn_err *err)
{
	char path[64], *v, *end;
	unsigned int len;
	struct xs_handle *xs = xs_open(0);

	if (!xs)
		return err_set(err, errno, "connecting to xenstore");
	snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
	v = xs_read(xs, XBT_NULL, path, &len);
	xs_close(xs);
	if (!v)
		return err_set(err, errno, "reading %s", path);
	errno = 0;
	*kib = strtoull(v, &end, 10);
	int bad = errno || end == v || *end;
	free(v);
	return bad ? err_set(err, EPROTO, "%s: not a number", path) : 0;
}

int xen_set_memory(struct xen_ctx *x, uint32_t domid, uint64_t kib, struct vxn_err *err)
{
	uint64_t max = 0;
	int rc;

	if (static_max_kib(domid, &max, err))
		return -1;
	if (kib > max)
		return err_set(err, 0, "memory %llu MiB is more than the %llu MiB the guest was created "
			       "with (set the annotation org.xenproject.vxn.max-memory to allow more)",
			       (unsigned long long)kib / 1024, (unsigned long long)max / 1024);
	rc = libxl_set_memory_target(x->lx, domid, (int64_t)kib, 0, 1);
	log_debug("libxl_set_memory_target %u %llu KiB: rc %d", domid, (unsigned long long)kib, rc);
	return rc ? lx_err(err, rc, "setting the memory target") : 0;
}

int xen_set_vcpus(struct xen_ctx *x, uint32_t domid, unsigned n, struct vxn_err *err)
{
	struct xen_dominfo info;
	libxl_bitmap map;
	int rc;

	if (xen_domain_info(x, domid, &info, err))
		return -1;
	if (!info.exists)
		return err_set(err, ENOENT, "no domain %u", domid);
	if (n == 0 || n > info.vcpus_max)
		return err_set(err, 0, "%u vcpus: the guest was created with at most %u (set the "
			       "annotation org.xenproject.vxn.max-vcpus to allow more)", n,
			       info.vcpus_max);
	libxl_bitmap_init(&map);
	if (libxl_cpu_bitmap_alloc(x->lx, &map, (int)info.vcpus_max)) {
		libxl_bitmap_dispose(&map);
		return err_set(err, ENOMEM, "vcpu map");
	}
	for (unsigned i = 0; i < n; i++)
		libxl_bitmap_set(&map, (int)i);
	rc = libxl_set_vcpuonline(x->lx, domid, &map, NULL);
	log_debug("libxl_set_vcpuonline %u %u: rc %d", domid, n, rc);
	libxl_bitmap_dispose(&map);
	return rc ? lx_err(err, rc, "setting the online vcpus") : 0;
}
