/* OCI mounts -> guest mounts and copy-ins.
 *
 * A guest cannot see the host's filesystem, so a bind mount only survives
 * when its source lies inside the rootfs (it becomes a bind inside the guest).
 * The engines' own per-container files (resolv.conf, hosts, hostname,
 * .containerenv, the init of `run --init`) are copied into the root disk instead; Podman's /dev/shm
 * directory is replaced by the guest's own tmpfs; any other host bind is
 * refused so the user learns it at create, not as an empty directory later.
 * cgroup mounts are skipped: the guest kernel's cgroups are not the limits
 * the engine set (those are the guest's memory and vcpus). Propagation flags
 * are dropped: a guest mount has no peer on the host to propagate to. */
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

static bool is_engine_file(const char *dest)
{
	/* and the init the engine puts in front of the process for `run --init`
	 * (Docker's docker-init, Podman's catatonit): a static host binary */
	static const char *const files[] = { "/etc/resolv.conf", "/etc/hosts", "/etc/hostname",
					     "/run/.containerenv", "/sbin/docker-init",
					     "/run/podman-init" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (strcmp(dest, files[i]) == 0)
			return true;
	return false;
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

/* A bind mount: inside the rootfs -> guest bind; engine file -> copy-in;
 * Podman's /dev/shm -> the guest's own; anything else refused. */
static int plan_bind(const struct vxn_spec_mount *m, size_t i, const char *bundle,
		     struct vxn_plan *p, char *data, uint64_t flags, struct vxn_err *err)
{
	cleanup_free char *abs = NULL;
	const char *src = m->source ? m->source : "";
	if (src[0] != '/' && asprintf(&abs, "%s/%s", bundle, src) < 0)
		return free(data), err_set(err, ENOMEM, "mounts");
	if (abs)
		src = abs;
	const char *inside = path_in_rootfs(src, p->rootfs);
	if (inside)
		return add_guest_mount(p, m->destination, "bind", inside, flags, data, err);
	free(data);
	if (is_engine_file(m->destination)) {
		log_debug("mounts[%zu] %s: host file copied into the root disk", i, m->destination);
		return add_copy_in(p, src, m->destination, err);
	}
	if (strcmp(m->destination, "/dev/shm") == 0) {
		log_debug("mounts[%zu] /dev/shm: the guest's own tmpfs replaces the host bind", i);
		return 0;
	}
	return err_set(err, 0, "mounts[%zu] %s: bind mounts of host directories are not supported",
		       i, m->destination);
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
		      struct vxn_plan *p, struct vxn_err *err)
{
	uint64_t flags = 0;
	char *data = NULL;
	if (mount_options(m, &flags, &data, err) < 0)
		return -1;
	if (mount_is_bind(m))
		return plan_bind(m, i, bundle, p, data, flags, err);
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
	/* runc fills a tmpfs /dev with the default devices; a guest's devtmpfs
	 * holds exactly the guest's devices, which are the container's. */
	if (strcmp(type, "tmpfs") == 0 && strcmp(m->destination, "/dev") == 0) {
		free(data);
		return add_guest_mount(p, "/dev", "devtmpfs", "devtmpfs", flags & ~MS_NODEV,
				       strdup(""), err);
	}
	return add_guest_mount(p, m->destination, type, m->source, flags, data, err);
}

int plan_mounts(const struct vxn_spec *s, const char *bundle, struct vxn_plan *p,
		struct vxn_err *err)
{
	p->launch.mounts = calloc(s->nmounts + 1, sizeof *p->launch.mounts);
	p->copy_in = calloc(s->nmounts + 1, sizeof *p->copy_in);
	if (!p->launch.mounts || !p->copy_in)
		return err_set(err, ENOMEM, "mounts");
	for (size_t i = 0; i < s->nmounts; i++)
		if (plan_mount(&s->mounts[i], i, bundle, p, err) < 0)
			return -1;
	return 0;
}
