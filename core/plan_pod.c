/* Kubernetes pods (containerd's CRI): one guest per pod. The sandbox
 * container's guest gets a 9pfs share of its own (VXN_POD_SHARE_TAG) whose
 * export dom0 fills while the guest runs; each app container of the pod is
 * planned as a shared-root container whose root, engine files and volumes
 * all become entries of that export ("c<N>r", "c<N>f<K>", "c<N>m<K>"), and
 * is started inside the running guest (VXN_F_CTR_START) with its root as
 * launch mounts[0]. Xen 4.17 cannot add a 9pfs device to a running guest;
 * a bind mount in an export QEMU already serves needs no new device. */
#include "plan_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "log.h"
#include "util.h"

enum pod_role plan_pod_role(const struct vxn_spec *s, const char **sandbox_id)
{
	const char *type = spec_annotation(s, ANN_CRI_TYPE);
	const char *sandbox = spec_annotation(s, ANN_CRI_SANDBOX_ID);

	*sandbox_id = sandbox;
	if (type && strcmp(type, "sandbox") == 0)
		return POD_SANDBOX;
	if (type && strcmp(type, "container") == 0 && sandbox && sandbox[0])
		return POD_MEMBER;
	return POD_NONE;
}

/* An annotation that is a decimal number; absent, "0" or "-1" (no limit,
 * as the kubelet writes it) is 0. */
static int annotation_number(const struct vxn_spec *s, const char *key, uint64_t *v,
			     struct vxn_err *err)
{
	const char *a = spec_annotation(s, key);

	*v = 0;
	if (!a || strcmp(a, "-1") == 0)
		return 0;
	if (parse_decimal(a, v) < 0)
		return err_set(err, 0, "annotations.%s: must be a decimal number, not '%.32s'",
			       key, a);
	return 0;
}

/* The guest holds every container of the pod, so it gets their limits' sum
 * and the fixed overhead the RuntimeClass declares. */
int plan_pod_memory(const struct vxn_spec *s, const struct vxn_config *c, uint64_t max_mib,
		    uint64_t *mib, struct vxn_err *err)
{
	const char *sandbox_id;
	uint64_t bytes;

	if (plan_pod_role(s, &sandbox_id) != POD_SANDBOX)
		return 0;
	if (annotation_number(s, ANN_CRI_SANDBOX_MEMORY, &bytes, err) < 0)
		return -1;
	if (bytes == 0)
		return 0;
	uint64_t sum = bytes / MIB + (bytes % MIB != 0);
	if (sum + c->pod_overhead_mib > max_mib)
		return err_set(err, 0, "annotations." ANN_CRI_SANDBOX_MEMORY ": the pod's %llu "
			       "bytes and the pod overhead of %llu MiB are more than the %llu MiB "
			       "a guest may have", (unsigned long long)bytes,
			       (unsigned long long)c->pod_overhead_mib, (unsigned long long)max_mib);
	*mib = sum + c->pod_overhead_mib;
	return 1;
}

/* The pod's CPU limits' sum as a quota of periods: that many vcpus, rounded up. */
int plan_pod_vcpus(const struct vxn_spec *s, unsigned max_vcpus, unsigned *vcpus,
		   struct vxn_err *err)
{
	const char *sandbox_id;
	uint64_t quota, period;

	if (plan_pod_role(s, &sandbox_id) != POD_SANDBOX)
		return 0;
	if (annotation_number(s, ANN_CRI_SANDBOX_CPU_QUOTA, &quota, err) < 0 ||
	    annotation_number(s, ANN_CRI_SANDBOX_CPU_PERIOD, &period, err) < 0)
		return -1;
	if (quota == 0)
		return 0;
	if (period == 0)
		period = DEFAULT_CPU_PERIOD;
	uint64_t v = quota / period + (quota % period != 0);
	if (v > max_vcpus)
		return err_set(err, 0, "annotations." ANN_CRI_SANDBOX_CPU_QUOTA ": %llu/%llu is "
			       "more than the %u vcpus a guest may have", (unsigned long long)quota,
			       (unsigned long long)period, max_vcpus);
	*vcpus = (unsigned)v;
	return 1;
}

int plan_pod_share(struct vxn_plan *p, struct vxn_err *err)
{
	struct vxn_plan_share *sh = &p->shares[p->nshares++];
	struct vxn_share *ls = &p->launch.shares[p->launch.nshares++];

	sh->pod = true;
	sh->tag = strdup(VXN_POD_SHARE_TAG);
	sh->entry = strdup("");
	sh->source = strdup("");
	sh->destination = strdup("");
	sh->mount_index = SIZE_MAX;
	if (asprintf(&sh->export_dir, "%s/" VXN_POD_SHARE_TAG, p->share_root) < 0)
		sh->export_dir = NULL;
	ls->tag = strdup(VXN_POD_SHARE_TAG);
	if (!sh->tag || !sh->entry || !sh->source || !sh->destination || !sh->export_dir ||
	    !ls->tag)
		return err_set(err, ENOMEM, "pod share");
	return 0;
}

/* A share's name in the pod export: the root "r", an engine file riding on
 * the root "f<K>", a volume "vxn<K>" -> "m<K>". */
static char *member_entry(const char *prefix, const struct vxn_plan_share *sh)
{
	char *e = NULL;
	int r;

	if (!sh->rides && strcmp(sh->tag, VXN_ROOT_SHARE_TAG) == 0)
		r = asprintf(&e, "%sr", prefix);
	else if (sh->rides)
		r = asprintf(&e, "%s%s", prefix, sh->entry);
	else
		r = asprintf(&e, "%sm%s", prefix, sh->tag + 3);
	return r < 0 ? NULL : e;
}

/* A launch mount's share source in the pod: "root/f<K>" -> "<prefix>f<K>";
 * "vxn<K>/<entry>" -> "<prefix>m<K>", the volume being that entry itself. */
static char *member_source(const char *prefix, const char *source)
{
	char *s = NULL;
	int r;

	if (strncmp(source, VXN_ROOT_SHARE_TAG "/", sizeof VXN_ROOT_SHARE_TAG) == 0)
		r = asprintf(&s, VXN_POD_SHARE_TAG "/%s%s", prefix,
			     source + sizeof VXN_ROOT_SHARE_TAG);
	else
		r = asprintf(&s, VXN_POD_SHARE_TAG "/%sm%.*s", prefix,
			     (int)strcspn(source + 3, "/"), source + 3);
	return r < 0 ? NULL : s;
}

static int member_shares(struct vxn_plan *p, const char *pod_export, const char *prefix)
{
	for (size_t i = 0; i < p->nshares; i++) {
		struct vxn_plan_share *sh = &p->shares[i];
		char *entry = member_entry(prefix, sh), *dir = strdup(pod_export);
		if (!entry || !dir)
			return free(entry), free(dir), -1;
		/* a read-only root is writable in dom0 until guest-init made
		 * its mount points (CRI's images lack /dev, /proc, /sys; runc
		 * makes them in the rootfs too), then read-only in the guest
		 * (mounts[0] MS_RDONLY) */
		free(sh->entry);
		free(sh->export_dir);
		sh->entry = entry;
		sh->export_dir = dir;
		sh->rides = true;  /* on the pod's device */
	}
	return 0;
}

/* mounts[0] the root, then the container's mounts with pod sources. */
static int member_mounts(struct vxn_plan *p, const char *prefix, bool root_readonly)
{
	struct vxn_launch *l = &p->launch;
	struct vxn_mount *m = calloc(l->nmounts + 1, sizeof *m);

	if (!m)
		return -1;
	memcpy(m + 1, l->mounts, l->nmounts * sizeof *m);
	free(l->mounts);
	l->mounts = m;
	l->nmounts++;
	m[0].destination = strdup("/");
	m[0].type = strdup(VXN_SHARE_TYPE);
	m[0].data = strdup("");
	m[0].flags = MS_BIND | MS_REC | (root_readonly ? MS_RDONLY : 0);
	if (asprintf(&m[0].source, VXN_POD_SHARE_TAG "/%sr", prefix) < 0)
		m[0].source = NULL;
	if (!m[0].destination || !m[0].type || !m[0].data || !m[0].source)
		return -1;
	for (uint32_t i = 1; i < l->nmounts; i++) {
		if (strcmp(m[i].type, VXN_SHARE_TYPE) != 0)
			continue;
		char *src = member_source(prefix, m[i].source);
		if (!src)
			return -1;
		free(m[i].source);
		m[i].source = src;
	}
	/* the guest mounts no share for it: the pod's is there already */
	for (uint32_t i = 0; i < l->nshares; i++)
		free(l->shares[i].tag);
	l->nshares = 0;
	return 0;
}

/* The container's own memory and CPU limits, which guest-init applies in
 * a cgroup inside the pod's guest (vxn_launch.memory_max, cpu_*): the
 * guest is sized for the whole pod. A quota without a period gets the
 * kernel's default period, as under runc. */
static int member_limits(const struct vxn_spec *s, struct vxn_launch *l, struct vxn_err *err)
{
	l->memory_max = s->memory_limit > 0 ? (uint64_t)s->memory_limit : 0;
	if (s->cpu_quota <= 0)
		return 0;
	l->cpu_quota_us = (uint64_t)s->cpu_quota;
	l->cpu_period_us = s->cpu_period ? s->cpu_period : 100000;
	if (l->cpu_period_us < VXN_CPU_PERIOD_MIN || l->cpu_period_us > VXN_CPU_PERIOD_MAX ||
	    l->cpu_quota_us < VXN_CPU_QUOTA_MIN || l->cpu_quota_us > UINT32_MAX)
		return err_set(err, 0, "linux.resources.cpu: quota %" PRIu64 " per period %" PRIu64
			       ": the kernel takes a period of %u to %u and a quota of %u or more",
			       l->cpu_quota_us, l->cpu_period_us, VXN_CPU_PERIOD_MIN,
			       VXN_CPU_PERIOD_MAX, VXN_CPU_QUOTA_MIN);
	return 0;
}

int plan_member(const struct vxn_spec *s, const struct vxn_config *c, const char *id,
		const char *bundle, const char *state_dir, const char *pod_export,
		const char *prefix, struct vxn_plan *p, struct vxn_err *err)
{
	/* planned as a shared, writable root, whatever vxn.conf says: its root
	 * is an entry of the pod's share, read-only by dom0's bind if asked */
	struct vxn_config cc = *c;
	struct vxn_spec sc = *s;
	cc.rootfs_share = true;
	sc.root_readonly = false;
	if (plan_from_spec(&sc, &cc, id, bundle, state_dir, p, err) < 0)
		return -1;
	if (!p->root_shared) {
		plan_free(p);
		return err_set(err, 0, "annotations." ANN_ROOTFS ": a pod's container takes its "
			       "root from the pod's share, not a disk");
	}
	if (member_limits(s, &p->launch, err) < 0) {
		plan_free(p);
		return -1;
	}
	if (member_shares(p, pod_export, prefix) < 0 ||
	    member_mounts(p, prefix, s->root_readonly) < 0) {
		plan_free(p);
		return err_set(err, ENOMEM, "pod container plan");
	}
	log_debug("pod container %s: %zu entries %s* in %s", id, p->nshares, prefix, pod_export);
	return 0;
}
