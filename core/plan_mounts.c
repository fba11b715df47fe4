/* OCI mounts -> guest mounts, volumes and copy-ins.
 *
 * A bind mount whose source lies inside the rootfs becomes a bind inside the
 * guest. A bind of any other host directory or file becomes a volume: a
 * share served by dom0 over Xen 9pfs (struct vxn_plan_share) that guest-init
 * bind-mounts at the destination. The engines' own per-container files
 * (resolv.conf, hosts, hostname, .containerenv) ride on the root's device
 * when the root is shared, are shares of their own when the container has a
 * volume anyway (its guest has a 9pfs backend then), and are copied into the
 * root disk otherwise: a container without volumes gets no
 * QEMU in dom0 and keeps the warm pool and its start-up time. The init of
 * `run --init` is always copied: a static binary the engine never rewrites.
 * The engines' /dev/shm directory is replaced by the guest's own tmpfs,
 * except in a pod's app container (the pod's, shared by its containers). cgroup
 * mounts are skipped: the guest kernel's cgroups are not the limits the
 * engine set (those are the guest's memory and vcpus). Propagation flags are
 * dropped: a guest mount has no peer on the host to propagate to. */
#include "plan_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "log.h"

static const struct {
	const char *name;
	uint64_t set;    /* bits set */
	uint64_t clear;  /* bits cleared */
} mount_flags[] = {
	{ "ro", MS_RDONLY, 0 },           { "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },       { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },         { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },       { "exec", 0, MS_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 },    { "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 },     { "remount", MS_REMOUNT, 0 },
	{ "mand", MS_MANDLOCK, 0 },       { "nomand", 0, MS_MANDLOCK },
	{ "noatime", MS_NOATIME, 0 },     { "atime", 0, MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "diratime", 0, MS_NODIRATIME },
	{ "relatime", MS_RELATIME, 0 },   { "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", 0, MS_STRICTATIME },
	{ "lazytime", MS_LAZYTIME, 0 },   { "nolazytime", 0, MS_LAZYTIME },
	{ "silent", MS_SILENT, 0 },       { "loud", 0, MS_SILENT },
	{ "iversion", MS_I_VERSION, 0 },  { "noiversion", 0, MS_I_VERSION },
	{ "bind", MS_BIND, 0 },           { "rbind", MS_BIND | MS_REC, 0 },
};

/* Understood and deliberately without effect in a guest. */
static const char *const dropped_options[] = {
	"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable",
	"runbindable", "z", "Z", "tmpcopyup", "notmpcopyup", "nocopy", "copy-symlink",
};

int mount_option_flag(const char *opt, uint64_t *flags)
{
	for (size_t i = 0; i < sizeof mount_flags / sizeof mount_flags[0]; i++) {
		if (strcmp(opt, mount_flags[i].name) == 0) {
			*flags = (*flags & ~mount_flags[i].clear) | mount_flags[i].set;
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof dropped_options / sizeof dropped_options[0]; i++)
		if (strcmp(opt, dropped_options[i]) == 0)
			return -1;
	return 0;
}

size_t mount_flag_names(uint64_t flags, const char **names, size_t cap)
{
	size_t n = 0;
	for (unsigned bit = 0; bit < 64 && n < cap; bit++) {
		uint64_t b = 1ull << bit;
		if (!(flags & b))
			continue;
		const char *name = "unknown";
		for (size_t i = 0; i < sizeof mount_flags / sizeof mount_flags[0]; i++)
			if (mount_flags[i].set == b)
				name = mount_flags[i].name;
		if (b == MS_REC)
			name = "rec";
		names[n++] = name;
	}
	return n;
}

size_t mount_option_names(const char **names, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof mount_flags / sizeof mount_flags[0] && n < cap; i++)
		names[n++] = mount_flags[i].name;
	return n;
}

/* Options -> flags + data ("mode=755,size=65536k"). */
static int mount_options(const struct vxn_spec_mount *m, uint64_t *flags, char **data,
			 struct vxn_err *err)
{
	size_t cap = 1;
	for (size_t i = 0; i < m->noptions; i++)
		cap += strlen(m->options[i]) + 1;
	char *d = calloc(1, cap);
	if (!d)
		return err_set(err, ENOMEM, "mount options");
	*flags = 0;
	for (size_t i = 0; i < m->noptions; i++) {
		if (mount_option_flag(m->options[i], flags) != 0)
			continue;
		if (*d)
			strcat(d, ",");
		strcat(d, m->options[i]);
	}
	*data = d;
	return 0;
}

static bool mount_is_bind(const struct vxn_spec_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->noptions; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

static bool in_list(const char *dest, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(dest, list[i]) == 0)
			return true;
	return false;
}

/* Files the engine may rewrite while the container runs. */
static bool is_engine_file(const char *dest)
{
	static const char *const files[] = { "/etc/resolv.conf", "/etc/hosts", "/etc/hostname",
					     "/run/.containerenv" };
	return in_list(dest, files, sizeof files / sizeof files[0]);
}

/* The init the engine puts in front of the process for `run --init`
 * (Docker's docker-init, Podman's catatonit): a static host binary, copied
 * in even with volumes, since create checks the process's executable in the
 * root disk's copy-ins (host/container.c). */
static bool is_engine_init(const char *dest)
{
	static const char *const files[] = { "/sbin/docker-init", "/run/podman-init" };
	return in_list(dest, files, sizeof files / sizeof files[0]);
}

static bool has_dotdot(const char *path)
{
	for (const char *c = path; (c = strstr(c, "..")); c += 2) {
		bool starts = c == path || c[-1] == '/';
		bool ends = c[2] == '\0' || c[2] == '/';
		if (starts && ends)
			return true;
	}
	return false;
}

/* source inside rootfs -> the same path seen from inside the container, else NULL. */
static const char *path_in_rootfs(const char *source, const char *rootfs)
{
	size_t n = strlen(rootfs);
	while (n > 1 && rootfs[n - 1] == '/')
		n--;
	if (has_dotdot(source) || strncmp(source, rootfs, n) != 0)
		return NULL;
	if (source[n] == '\0')
		return "/";
	return source[n] == '/' ? source + n : NULL;
}

static int add_copy_in(struct vxn_plan *p, const char *src, const char *dest, struct vxn_err *err)
{
	struct vxn_copy_in *c = &p->copy_in[p->ncopy_in];
	c->source = strdup(src);
	c->destination = strdup(dest);
	p->ncopy_in++;
	if (!c->source || !c->destination)
		return err_set(err, ENOMEM, "copy_in");
	return 0;
}

static int add_guest_mount(struct vxn_plan *p, const char *dest, const char *type,
			   const char *source, uint64_t flags, char *data, struct vxn_err *err)
{
	struct vxn_mount *gm = &p->launch.mounts[p->launch.nmounts++];
	gm->flags = flags;
	gm->data = data;
	gm->destination = strdup(dest);
	gm->type = strdup(type);
	gm->source = strdup(source ? source : type);
	if (!gm->destination || !gm->type || !gm->source || !gm->data)
		return err_set(err, ENOMEM, "mounts");
	return 0;
}

/* The bind's source as an absolute host path (relative ones are the
 * bundle's), malloc'd; NULL when out of memory. */
static char *bind_source(const struct vxn_spec_mount *m, const char *bundle)
{
	const char *src = m->source ? m->source : "";
	char *abs;
	if (src[0] == '/')
		return strdup(src);
	return asprintf(&abs, "%s/%s", bundle, src) < 0 ? NULL : abs;
}

/* A new plan share for mount i of src at dest; tag, entry and export_dir
 * are the caller's to fill. */
static struct vxn_plan_share *new_share(struct vxn_plan *p, const char *src, bool readonly,
					size_t i, const char *dest)
{
	struct vxn_plan_share *sh = &p->shares[p->nshares++];
	sh->readonly = readonly;
	sh->mount_index = i;
	sh->source = strdup(src);
	sh->destination = strdup(dest);
	return sh;
}

static bool share_complete(const struct vxn_plan_share *sh)
{
	return sh->source && sh->destination && sh->tag && sh->entry && sh->export_dir;
}

/* A volume's entry in its export: the source's base name, so that the
 * guest's mountinfo names it as runc's names the host path (runtime-tools'
 * mounts check), or VXN_SHARE_ENTRY when the base name is no entry name. */
static char *volume_entry(const char *src)
{
	const char *slash = strrchr(src, '/');
	const char *base = slash ? slash + 1 : src;

	return strdup(vxn_share_entry_ok(base) ? base : VXN_SHARE_ENTRY);
}

/* The share serving (src, readonly), added when it is the first mount of it. */
static int share_for(struct vxn_plan *p, const char *src, bool readonly, size_t i,
		     const char *dest, const struct vxn_plan_share **out, struct vxn_err *err)
{
	for (size_t k = 0; k < p->nshares; k++)
		if (!p->shares[k].rides && p->shares[k].readonly == readonly &&
		    strcmp(p->shares[k].source, src) == 0)
			return *out = &p->shares[k], 0;
	if (p->launch.nshares + p->root_shared >= VXN_SHARES_MAX)
		return err_set(err, 0, "mounts[%zu]: more than %u host sources to share with "
			       "one guest", i, VXN_SHARES_MAX);
	struct vxn_plan_share *sh = new_share(p, src, readonly, i, dest);
	struct vxn_share *ls = &p->launch.shares[p->launch.nshares];
	if (asprintf(&sh->tag, "vxn%u", p->launch.nshares) < 0)
		sh->tag = NULL;
	if (asprintf(&sh->export_dir, "%s/%s", p->share_root, sh->tag ? sh->tag : "") < 0)
		sh->export_dir = NULL;
	sh->entry = volume_entry(src);
	ls->tag = sh->tag ? strdup(sh->tag) : NULL;
	p->launch.nshares++;
	if (!share_complete(sh) || !ls->tag)
		return err_set(err, ENOMEM, "mounts");
	*out = sh;
	return 0;
}

/* An engine file or init on the root's device: entry f<N> of the root's
 * export, bound at dest from "root/f<N>" in the guest. */
static int add_root_rider(struct vxn_plan *p, const struct vxn_spec_mount *m, size_t i,
			  const char *src, uint64_t flags, char *data, struct vxn_err *err)
{
	size_t n = 0;
	for (size_t k = 0; k < p->nshares; k++)
		n += p->shares[k].rides;
	struct vxn_plan_share *sh = new_share(p, src, flags & MS_RDONLY, i, m->destination);
	sh->rides = true;
	sh->tag = strdup(VXN_ROOT_SHARE_TAG);
	if (asprintf(&sh->entry, "f%zu", n) < 0)
		sh->entry = NULL;
	if (asprintf(&sh->export_dir, "%s/" VXN_ROOT_SHARE_TAG, p->share_root) < 0)
		sh->export_dir = NULL;
	char source[64];
	snprintf(source, sizeof source, VXN_ROOT_SHARE_TAG "/%s", sh->entry ? sh->entry : "");
	if (!share_complete(sh))
		return free(data), err_set(err, ENOMEM, "mounts");
	log_debug("mounts[%zu] %s: host file %s on the root's share as %s%s", i, m->destination,
		  src, source, sh->readonly ? " (read-only in dom0)" : "");
	return add_guest_mount(p, m->destination, VXN_SHARE_TYPE, source, flags | MS_BIND, data,
			       err);
}

static int add_share_mount(struct vxn_plan *p, const struct vxn_spec_mount *m, size_t i,
			   const char *src, uint64_t flags, char *data, struct vxn_err *err)
{
	const struct vxn_plan_share *sh = NULL;
	if (share_for(p, src, flags & MS_RDONLY, i, m->destination, &sh, err) < 0)
		return free(data), -1;
	char source[VXN_SHARE_TAG_MAX + VXN_SHARE_ENTRY_MAX + 2];
	snprintf(source, sizeof source, "%s/%s", sh->tag, sh->entry);
	log_debug("mounts[%zu] %s: host %s shared as %s%s", i, m->destination, src, source,
		  sh->readonly ? " (read-only in dom0)" : "");
	return add_guest_mount(p, m->destination, VXN_SHARE_TYPE, source, flags | MS_BIND, data,
			       err);
}

/* The engine's bind at /dev/shm becomes the guest's own tmpfs, except in a
 * pod's app container: containerd binds the sandbox's one shm directory
 * into every container of the pod, which each one's own tmpfs would split,
 * so it is a share like any volume. Never dom0's own /dev/shm (a hostIPC
 * pod's): the host's IPC of a guest is the guest's. */
static bool dev_shm_dropped(const struct vxn_spec_mount *m, const char *src, bool pod_member)
{
	if (strcmp(m->destination, "/dev/shm") != 0)
		return false;
	if (!pod_member)
		return true;
	cleanup_free char *real = realpath(src, NULL);
	const char *path = real ? real : src;
	return strcmp(path, "/dev/shm") == 0 || strcmp(path, "/run/shm") == 0;
}

/* A bind mount: inside the rootfs -> guest bind; /dev/shm -> as
 * dev_shm_dropped says; the engine's init -> copy-in; engine file ->
 * copy-in unless the container has volumes; anything else -> a share. */
static int plan_bind(const struct vxn_spec_mount *m, size_t i, const char *bundle,
		     struct vxn_plan *p, char *data, uint64_t flags, bool volumes,
		     bool pod_member, struct vxn_err *err)
{
	cleanup_free char *src = bind_source(m, bundle);
	if (!src)
		return free(data), err_set(err, ENOMEM, "mounts");
	const char *inside = path_in_rootfs(src, p->rootfs);
	if (inside)
		return add_guest_mount(p, m->destination, "bind", inside, flags, data, err);
	if (dev_shm_dropped(m, src, pod_member)) {
		log_debug("mounts[%zu] /dev/shm: the guest's own tmpfs replaces the host bind", i);
		return free(data), 0;
	}
	bool engine_own = is_engine_init(m->destination) || is_engine_file(m->destination);
	if (engine_own && p->root_shared)
		return add_root_rider(p, m, i, src, flags, data, err);
	if (is_engine_init(m->destination) || (is_engine_file(m->destination) && !volumes)) {
		free(data);
		log_debug("mounts[%zu] %s: host file copied into the root disk", i,
			  m->destination);
		return add_copy_in(p, src, m->destination, err);
	}
	return add_share_mount(p, m, i, src, flags, data, err);
}

static bool guest_fstype(const char *type)
{
	static const char *const ok[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "devtmpfs" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(type, ok[i]) == 0)
			return true;
	return false;
}

static int plan_mount(const struct vxn_spec_mount *m, size_t i, const char *bundle,
		      struct vxn_plan *p, bool volumes, bool pod_member, struct vxn_err *err)
{
	uint64_t flags = 0;
	char *data = NULL;
	if (mount_options(m, &flags, &data, err) < 0)
		return -1;
	if (mount_is_bind(m))
		return plan_bind(m, i, bundle, p, data, flags, volumes, pod_member, err);
	const char *type = m->type;
	if (type && (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)) {
		log_debug("mounts[%zu] %s: cgroup mount skipped: limits are the guest's size", i,
			  m->destination);
		return free(data), 0;
	}
	if (!type || !guest_fstype(type)) {
		free(data);
		return err_set(err, 0, "mounts[%zu] %s: filesystem type '%.32s' is not supported", i,
			       m->destination, type ? type : "(none)");
	}
	return add_guest_mount(p, m->destination, type, m->source, flags, data, err);
}

/* A bind of a host path that is neither inside the rootfs, nor /dev/shm,
 * nor one of the engine's files: the guest needs a 9pfs backend for it. */
static bool is_volume(const struct vxn_spec_mount *m, const char *bundle, const char *rootfs)
{
	if (!mount_is_bind(m) || strcmp(m->destination, "/dev/shm") == 0 ||
	    is_engine_file(m->destination) || is_engine_init(m->destination))
		return false;
	cleanup_free char *src = bind_source(m, bundle);
	return !src || !path_in_rootfs(src, rootfs);
}

int plan_mounts(const struct vxn_spec *s, const char *bundle, struct vxn_plan *p,
		struct vxn_err *err)
{
	p->launch.mounts = calloc(s->nmounts + 1, sizeof *p->launch.mounts);
	p->copy_in = calloc(s->nmounts + 1, sizeof *p->copy_in);
	/* + the root's and the pod's */
	p->shares = calloc(s->nmounts + 2, sizeof *p->shares);
	p->launch.shares = calloc(s->nmounts + 2, sizeof *p->launch.shares);
	if (!p->launch.mounts || !p->copy_in || !p->shares || !p->launch.shares)
		return err_set(err, ENOMEM, "mounts");
	bool volumes = p->root_shared;  /* a 9pfs backend in any case */
	const char *sandbox;
	bool member = plan_pod_role(s, &sandbox) == POD_MEMBER;
	for (size_t i = 0; i < s->nmounts; i++)
		volumes |= is_volume(&s->mounts[i], bundle, p->rootfs);
	for (size_t i = 0; i < s->nmounts; i++)
		if (plan_mount(&s->mounts[i], i, bundle, p, volumes, member, err) < 0)
			return -1;
	return 0;
}

size_t plan_share_devices(const struct vxn_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nshares; i++)
		n += !p->shares[i].rides;
	return n;
}

int plan_root_share(struct vxn_plan *p, struct vxn_err *err)
{
	if (!p->root_shared)
		return 0;
	struct vxn_plan_share *sh = &p->shares[p->nshares];
	sh->tag = strdup(VXN_ROOT_SHARE_TAG);
	sh->entry = strdup(VXN_SHARE_ENTRY);
	sh->source = strdup(p->rootfs);
	sh->destination = strdup("/");
	sh->mount_index = SIZE_MAX;
	if (asprintf(&sh->export_dir, "%s/" VXN_ROOT_SHARE_TAG, p->share_root) < 0)
		sh->export_dir = NULL;
	p->nshares++;
	if (!share_complete(sh))
		return err_set(err, ENOMEM, "root share");
	return 0;
}
