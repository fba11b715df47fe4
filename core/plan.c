/* spec + config -> plan: every decision about the guest, without I/O, so that
 * tests/unit/golden/ pins it down. Sizing precedence: the spec's
 * linux.resources (what `docker run -m/--cpus` sets), then the annotations
 * org.xenproject.vxn.memory / .vcpus, then vxn.conf. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_net.h"
#include "plan_internal.h"
#include "util.h"

#define PLAN_MIN_MEMORY_MIB 32ull        /* below this the guest kernel does not boot */
#define PLAN_MAX_MEMORY_MIB 262144ull    /* 256 GiB */
#define PLAN_MAX_VCPUS 128u

#define ANN_MEMORY "org.xenproject.vxn.memory"
#define ANN_VCPUS "org.xenproject.vxn.vcpus"
#define ANN_KERNEL "org.xenproject.vxn.kernel"
#define ANN_MAX_MEMORY "org.xenproject.vxn.max-memory"
#define ANN_MAX_VCPUS "org.xenproject.vxn.max-vcpus"

static int plan_memory(const struct vxn_spec *s, const struct vxn_config *c, uint64_t *mib,
		       struct vxn_err *err)
{
	const char *ann = spec_annotation(s, ANN_MEMORY);
	int pod = 0;
	if (s->memory_limit <= 0 && !ann &&
	    (pod = plan_pod_memory(s, c, PLAN_MAX_MEMORY_MIB, mib, err)) < 0)
		return -1;
	if (pod) {
		/* a pod's guest, sized by plan_pod_memory */
	} else if (s->memory_limit > 0) {
		*mib = ((uint64_t)s->memory_limit + MIB - 1) / MIB;
		if (*mib > PLAN_MAX_MEMORY_MIB)
			return err_set(err, 0, "linux.resources.memory.limit: %lld bytes is more than "
				       "the %llu MiB a guest may have", (long long)s->memory_limit,
				       PLAN_MAX_MEMORY_MIB);
	} else if (ann) {
		if (parse_decimal(ann, mib) < 0 || *mib == 0 || *mib > PLAN_MAX_MEMORY_MIB)
			return err_set(err, 0, "annotations." ANN_MEMORY ": must be a number of MiB "
				       "from 1 to %llu", PLAN_MAX_MEMORY_MIB);
	} else {
		*mib = c->memory_mib;
	}
	if (*mib < PLAN_MIN_MEMORY_MIB)
		*mib = PLAN_MIN_MEMORY_MIB;
	return 0;
}

static int plan_vcpus(const struct vxn_spec *s, const struct vxn_config *c, unsigned *vcpus,
		      struct vxn_err *err)
{
	const char *ann = spec_annotation(s, ANN_VCPUS);
	uint64_t v;
	int pod = 0;
	if (s->cpu_quota <= 0 && !ann && (pod = plan_pod_vcpus(s, PLAN_MAX_VCPUS, vcpus, err)) != 0)
		return pod < 0 ? -1 : 0;
	if (s->cpu_quota > 0) {
		uint64_t period = s->cpu_period ? s->cpu_period : DEFAULT_CPU_PERIOD;
		v = ((uint64_t)s->cpu_quota + period - 1) / period;
		if (v > PLAN_MAX_VCPUS)
			return err_set(err, 0, "linux.resources.cpu.quota: %lld/%llu is more than "
				       "the %u vcpus a guest may have", (long long)s->cpu_quota,
				       (unsigned long long)period, PLAN_MAX_VCPUS);
	} else if (ann) {
		if (parse_decimal(ann, &v) < 0 || v == 0 || v > PLAN_MAX_VCPUS)
			return err_set(err, 0, "annotations." ANN_VCPUS ": must be a number "
				       "from 1 to %u", PLAN_MAX_VCPUS);
	} else {
		v = c->vcpus ? c->vcpus : 1;
	}
	*vcpus = (unsigned)v;
	return 0;
}

/* Room for `vxn update` to grow into: the guest's maximum memory (MiB) and
 * vcpus, at least what it starts with. Without them the start values are
 * the maximum. */
static int plan_maxima(const struct vxn_spec *s, struct vxn_plan *p, struct vxn_err *err)
{
	const char *mem = spec_annotation(s, ANN_MAX_MEMORY), *cpus = spec_annotation(s, ANN_MAX_VCPUS);
	uint64_t v;

	p->max_memory_kib = p->memory_kib;
	p->max_vcpus = p->vcpus;
	if (mem) {
		if (parse_decimal(mem, &v) < 0 || v > PLAN_MAX_MEMORY_MIB || v * 1024 < p->memory_kib)
			return err_set(err, 0, "annotations." ANN_MAX_MEMORY ": must be a number of MiB "
				       "from the guest's %llu to %llu", (unsigned long long)p->memory_kib / 1024,
				       PLAN_MAX_MEMORY_MIB);
		p->max_memory_kib = v * 1024;
	}
	if (cpus) {
		if (parse_decimal(cpus, &v) < 0 || v > PLAN_MAX_VCPUS || v < p->vcpus)
			return err_set(err, 0, "annotations." ANN_MAX_VCPUS ": must be a number from "
				       "the guest's %u to %u", p->vcpus, PLAN_MAX_VCPUS);
		p->max_vcpus = (unsigned)v;
	}
	return 0;
}

static char *path_join(const char *dir, const char *name)
{
	char *r;
	return asprintf(&r, "%s/%s", dir, name) < 0 ? NULL : r;
}

/* vxn.conf's rootfs, unless the annotation ANN_ROOTFS says otherwise; a
 * read-only root has nothing to keep and takes a disk either way. But a
 * pod's sandbox always shares its root: its guest has 9pfs for the pod
 * anyway, and CRI's read-only pause image has no /dev, /proc or /sys to
 * mount on (runc makes them in the rootfs first): with a writable share
 * guest-init makes them, then remounts the root read-only as runc does. */
static int plan_root_kind(const struct vxn_spec *s, const struct vxn_config *c,
			  struct vxn_plan *p, struct vxn_err *err)
{
	const char *kind = spec_annotation(s, ANN_ROOTFS);
	bool share = c->rootfs_share;

	if (kind && config_rootfs_kind(kind, &share) < 0)
		return err_set(err, 0, "annotations." ANN_ROOTFS ": must be share or disk");
	const char *sandbox_id;
	if (plan_pod_role(s, &sandbox_id) == POD_SANDBOX)
		return p->root_shared = true, 0;
	p->root_shared = share && !s->root_readonly;
	return 0;
}

static int plan_paths(const struct vxn_spec *s, const struct vxn_config *c, const char *id,
		      const char *bundle, const char *state_dir, struct vxn_plan *p,
		      struct vxn_err *err)
{
	const char *kernel = spec_annotation(s, ANN_KERNEL);
	if (kernel && kernel[0] != '/')
		return err_set(err, 0, "annotations." ANN_KERNEL ": must be an absolute path");
	char name[DOMAIN_NAME_MAX];
	domain_name_for(id, name);
	p->name = strdup(name);
	p->kernel = strdup(kernel ? kernel : c->kernel);
	p->ramdisk = path_join(state_dir, "ramdisk.cpio");
	p->disk_image = path_join(state_dir, "root.img");
	p->share_root = path_join(state_dir, "shares");
	p->cmdline = strdup(c->kernel_args ? c->kernel_args : "");
	p->disk_format = strdup(c->disk_format);
	p->rootfs = s->root_path[0] == '/' ? strdup(s->root_path) : path_join(bundle, s->root_path);
	if (!p->name || !p->kernel || !p->ramdisk || !p->disk_image || !p->share_root ||
	    !p->cmdline ||
	    !p->disk_format || !p->rootfs)
		return err_set(err, ENOMEM, "plan");
	p->disk_readonly = s->root_readonly;
	return plan_root_kind(s, c, p, err);
}

int plan_use_shared_image(struct vxn_plan *p, struct vxn_err *err)
{
	if (p->root_shared || p->ncopy_in)
		return 1;
	char *format = strdup("erofs"), *fstype = strdup("erofs");
	if (!format || !fstype) {
		free(format);
		free(fstype);
		return err_set(err, ENOMEM, "plan");
	}
	free(p->disk_format);
	free(p->launch.root_fstype);
	p->disk_format = format;
	p->launch.root_fstype = fstype;
	p->disk_readonly = true;
	return 0;
}

static int copy_strv(char *const *v, size_t n, char ***out, uint32_t *nout)
{
	*out = calloc(n + 1, sizeof **out);
	if (!*out)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!((*out)[i] = strdup(v[i])))
			return -1;
		*nout = (uint32_t)(i + 1);
	}
	return 0;
}

int plan_launch_process(const struct vxn_spec *s, struct vxn_launch *l, struct vxn_err *err)
{
	if (copy_strv(s->args, s->nargs, &l->args, &l->nargs) < 0 ||
	    copy_strv(s->env, s->nenv, &l->env, &l->nenv) < 0 ||
	    !(l->cwd = strdup(s->cwd ? s->cwd : "/")) ||
	    !(l->hostname = strdup(s->hostname ? s->hostname : "")) ||
	    !(l->gids = calloc(s->ngids + 1, sizeof *l->gids)) ||
	    !(l->rlimits = calloc(s->nrlimits + 1, sizeof *l->rlimits)))
		return err_set(err, ENOMEM, "plan");
	l->uid = s->uid;
	l->gid = s->gid;
	if (s->ngids) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(l->gids, s->gids, s->ngids * sizeof *l->gids);
	l->ngids = (uint32_t)s->ngids;
	l->umask = s->umask;
	for (size_t i = 0; i < s->nrlimits; i++)
		l->rlimits[i] = (struct vxn_rlimit){ (uint32_t)s->rlimits[i].type,
						     s->rlimits[i].soft, s->rlimits[i].hard };
	l->nrlimits = (uint32_t)s->nrlimits;
	l->caps = s->caps;
	l->no_new_privileges = s->no_new_privileges;
	l->oom_score_adj_set = s->oom_score_adj_set;
	l->oom_score_adj = s->oom_score_adj;
	l->terminal = s->terminal;
	l->rows = s->console_rows;
	l->cols = s->console_cols;
	l->root_readonly = s->root_readonly;
	/* a network namespace of its own: the guest gets its network (or just
	 * lo) from the NET frame that create sends once the hooks have run */
	l->net_wait = s->netns != VXN_NETNS_HOST;
	return 0;
}

/* linux.devices, .sysctl, .maskedPaths, .readonlyPaths: the container's,
 * not an exec's. */
static int plan_guest_kernel(const struct vxn_spec *s, struct vxn_launch *l, struct vxn_err *err)
{
	if (!(l->devices = calloc(s->ndevices + 1, sizeof *l->devices)))
		return err_set(err, ENOMEM, "plan");
	for (size_t i = 0; i < s->ndevices; i++) {
		l->devices[i] = s->devices[i];
		if (!(l->devices[i].path = strdup(s->devices[i].path)))
			return err_set(err, ENOMEM, "plan");
		l->ndevices = (uint32_t)i + 1;
	}
	if (copy_strv(s->sysctl, s->nsysctl, &l->sysctl, &l->nsysctl) < 0 ||
	    copy_strv(s->masked_paths, s->nmasked_paths, &l->masked_paths, &l->nmasked_paths) < 0 ||
	    copy_strv(s->readonly_paths, s->nreadonly_paths, &l->readonly_paths,
		      &l->nreadonly_paths) < 0)
		return err_set(err, ENOMEM, "plan");
	return 0;
}

/* Everything a warm pool guest is booted with (xen.c's build info), so that a
 * container is only given a pool guest that it would have been built as. */
static int plan_pool_prefix(struct vxn_plan *p, const char *base_initramfs)
{
	char *what = NULL;

	if (asprintf(&what, "%llu %llu %u %u\n%s\n%s\n%s", (unsigned long long)p->memory_kib,
		     (unsigned long long)p->max_memory_kib, p->vcpus, p->max_vcpus, p->kernel,
		     base_initramfs ? base_initramfs : "", p->cmdline) < 0)
		return -1;
	/* a tag, no defence: the pool is the host's own */
	int r = asprintf(&p->pool_prefix, PLAN_POOL_PREFIX "%016llx:",
			 (unsigned long long)fnv1a64(what, strlen(what)));
	free(what);
	if (r < 0)
		p->pool_prefix = NULL;
	return r < 0 ? -1 : 0;
}

int plan_for_pool(const struct vxn_config *c, struct vxn_plan *p, struct vxn_err *err)
{
	const struct vxn_spec none = { 0 };
	uint64_t mib;

	memset(p, 0, sizeof *p);
	if (plan_memory(&none, c, &mib, err) < 0 || plan_vcpus(&none, c, &p->vcpus, err) < 0)
		return -1;
	p->memory_kib = p->max_memory_kib = mib * 1024;
	p->max_vcpus = p->vcpus;
	p->kernel = strdup(c->kernel);
	p->ramdisk = strdup(c->initramfs);
	p->cmdline = strdup(c->kernel_args ? c->kernel_args : "");
	if (!p->kernel || !p->ramdisk || !p->cmdline || plan_pool_prefix(p, c->initramfs)) {
		plan_free(p);
		return err_set(err, ENOMEM, "plan");
	}
	return 0;
}

bool plan_provides(const struct vxn_plan *p, const char *path)
{
	for (size_t i = 0; path && i < p->ncopy_in; i++)
		if (strcmp(p->copy_in[i].destination, path) == 0)
			return true;
	for (uint32_t i = 0; path && i < p->launch.nmounts; i++)
		if (strcmp(p->launch.mounts[i].type, VXN_SHARE_TYPE) == 0 &&
		    strcmp(p->launch.mounts[i].destination, path) == 0)
			return true;
	return false;
}

int plan_from_spec(const struct vxn_spec *s, const struct vxn_config *c, const char *id,
		   const char *bundle, const char *state_dir, struct vxn_plan *p,
		   struct vxn_err *err)
{
	uint64_t mib;
	memset(p, 0, sizeof *p);
	if (plan_memory(s, c, &mib, err) < 0 || plan_vcpus(s, c, &p->vcpus, err) < 0 ||
	    plan_paths(s, c, id, bundle, state_dir, p, err) < 0 ||
	    plan_launch_process(s, &p->launch, err) < 0 || plan_mounts(s, bundle, p, err) < 0 ||
	    plan_guest_kernel(s, &p->launch, err) < 0 || engine_net_check(s, err) < 0)
		goto fail;
	p->memory_kib = mib * 1024;
	/* only the container's process: an exec joins the namespace it made */
	p->launch.pid_namespace = s->new_pid_namespace;
	if (plan_maxima(s, p, err) < 0)
		goto fail;
	if (plan_root_share(p, err) < 0)
		goto fail;
	const char *sandbox_id;
	if (plan_pod_role(s, &sandbox_id) == POD_SANDBOX && plan_pod_share(p, err) < 0)
		goto fail;
	if (!(p->launch.root_fstype = strdup(p->root_shared ? VXN_ROOT_SHARED : p->disk_format)) ||
	    plan_pool_prefix(p, c->initramfs)) {
		err_set(err, ENOMEM, "plan");
		goto fail;
	}
	return 0;
fail:
	plan_free(p);
	return -1;
}

void plan_free(struct vxn_plan *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->kernel);
	free(p->ramdisk);
	free(p->cmdline);
	free(p->rootfs);
	free(p->disk_image);
	free(p->disk_format);
	free(p->pool_prefix);
	vxn_launch_free(&p->launch);
	for (size_t i = 0; p->copy_in && i < p->ncopy_in; i++) {
		free(p->copy_in[i].source);
		free(p->copy_in[i].destination);
	}
	free(p->copy_in);
	for (size_t i = 0; p->shares && i < p->nshares; i++) {
		free(p->shares[i].tag);
		free(p->shares[i].source);
		free(p->shares[i].export_dir);
		free(p->shares[i].entry);
		free(p->shares[i].destination);
	}
	free(p->shares);
	free(p->share_root);
	memset(p, 0, sizeof *p);
}
