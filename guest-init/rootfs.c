/* The container's view under GUEST_ROOT: the launch's mounts, the default
 * device nodes, and a read-only root when the spec asks for one. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "console.h"
#include "files.h"
#include "mountflags.h"
#include "paths.h"
#include "util.h"

/* The directories above path, for a file or node to be made there. */
static int make_parent_dirs(const char *path)
{
	char parent[PATH_MAX];

	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = '\0';
	return mkdir_p(parent, 0755);
}

/* A bind mount needs a target of the same kind as its source. */
static int make_bind_target(const char *src, const char *dst)
{
	struct stat st;

	if (stat(src, &st) != 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return mkdir_p(dst, 0755);
	int r = make_parent_dirs(dst);
	if (r != 0)
		return r;
	int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno != EISDIR)
		return -errno;
	if (fd >= 0)
		close(fd);
	return 0;
}

/* src: a path inside the container's root, or a volume's entry in its share. */
static int bind_source(const struct vxn_mount *m, const struct mount_steps *s, char *src,
		       size_t cap, struct vxn_err *err)
{
	if (s->kind == MOUNT_KIND_SHARE) {
		/* a tag ([a-z0-9]) and an entry name (vxn_share_entry_ok): no
		 * "..", no "/", nothing outside VXN_SHARE_DIR */
		if (vxn_share_source_path(m->source, src, cap) != 0)
			return err_set(err, EINVAL, "volume on %s: bad share source",
				       m->destination);
		return 0;
	}
	if (path_in_root(GUEST_ROOT, m->source, src, cap) != 0)
		return err_set(err, ENAMETOOLONG, "bind source %s", m->source);
	return 0;
}

static int mount_bind(const struct vxn_mount *m, const char *dst,
		      const struct mount_steps *s, struct vxn_err *err)
{
	char src[PATH_MAX];

	if (bind_source(m, s, src, sizeof src, err) != 0)
		return -1;
	int r = make_bind_target(src, dst);
	if (r != 0)
		return err_set(err, -r, "bind mount %s on %s", m->source, m->destination);
	if (mount(src, dst, NULL, s->flags, NULL) != 0)
		return err_set(err, errno, "bind mount %s on %s", m->source, m->destination);
	if (s->remount && mount(NULL, dst, NULL, s->remount, NULL) != 0)
		return err_set(err, errno, "remount %s", m->destination);
	return 0;
}

static int mount_fs(const struct vxn_mount *m, const char *dst,
		    const struct mount_steps *s, struct vxn_err *err)
{
	int r = mkdir_p(dst, 0755);
	if (r != 0)
		return err_set(err, -r, "mkdir %s", m->destination);
	const char *src = m->source[0] ? m->source : m->type;
	if (mount(src, dst, m->type, s->flags, m->data) != 0)
		return err_set(err, errno, "mount %s on %s", m->type, m->destination);
	return 0;
}

static int mount_launch_entry(const struct vxn_mount *m, struct vxn_err *err)
{
	struct mount_steps s;
	char dst[PATH_MAX];

	mount_steps_from(m->type, m->flags, &s);
	if (s.kind == MOUNT_KIND_SKIP) {
		console_say("skipping %s mount on %s", m->type, m->destination);
		return 0;
	}
	if (path_in_root(GUEST_ROOT, m->destination, dst, sizeof dst) != 0)
		return err_set(err, ENAMETOOLONG, "mount destination %s", m->destination);
	int r = s.kind == MOUNT_KIND_FS ? mount_fs(m, dst, &s, err)
					: mount_bind(m, dst, &s, err);
	if (r != 0)
		return -1;
	if (s.propagation && mount(NULL, dst, NULL, s.propagation, NULL) != 0)
		return err_set(err, errno, "set propagation of %s", m->destination);
	return 0;
}

struct dev_node {
	const char *name;
	unsigned major, minor;
};

static const struct dev_node default_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

/* runc's: /dev/core only where the kernel has a /proc/kcore */
static const char *const default_links[][2] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" }, { "core", "/proc/kcore" },
};

/* linux.devices, as runc makes them: the node (an old one at the path
 * replaced), its permission bits and owner. */
static int make_spec_device(const struct vxn_device *d, struct vxn_err *err)
{
	char path[PATH_MAX];
	mode_t kind = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;

	if (path_in_root(GUEST_ROOT, d->path, path, sizeof path) != 0)
		return err_set(err, ENAMETOOLONG, "device %s", d->path);
	int r = make_parent_dirs(path);
	if (r != 0)
		return err_set(err, -r, "device %s: mkdir", d->path);
	if (unlink(path) != 0 && errno != ENOENT && errno != EISDIR)
		return err_set(err, errno, "device %s: replace", d->path);
	if (mknod(path, kind | d->mode, makedev(d->major, d->minor)) != 0)
		return err_set(err, errno, "device %s: mknod", d->path);
	if (chown(path, d->uid, d->gid) != 0 || chmod(path, d->mode) != 0)
		return err_set(err, errno, "device %s: owner and mode", d->path);
	return 0;
}

/* The defaults are best effort, as the nodes may already be there (a /dev
 * on the disk, or the spec's own). */
static int make_devices(const struct vxn_launch *l, struct vxn_err *err)
{
	char path[PATH_MAX];
	mode_t old = umask(0);

	mkdir_p(GUEST_ROOT "/dev", 0755);
	for (uint32_t i = 0; i < l->ndevices; i++)
		if (make_spec_device(&l->devices[i], err) != 0) {
			umask(old);
			return -1;
		}
	for (size_t i = 0; i < sizeof default_nodes / sizeof default_nodes[0]; i++) {
		const struct dev_node *d = &default_nodes[i];
		snprintf(path, sizeof path, GUEST_ROOT "/dev/%s", d->name);
		if (mknod(path, S_IFCHR | 0666, makedev(d->major, d->minor)) != 0 &&
		    errno != EEXIST)
			console_say("mknod /dev/%s: %s", d->name, strerror(errno));
	}
	for (size_t i = 0; i < sizeof default_links / sizeof default_links[0]; i++) {
		if (strcmp(default_links[i][0], "core") == 0 && access("/proc/kcore", F_OK) != 0)
			continue;
		snprintf(path, sizeof path, GUEST_ROOT "/dev/%s", default_links[i][0]);
		if (symlink(default_links[i][1], path) != 0 && errno != EEXIST)
			console_say("symlink /dev/%s: %s", default_links[i][0], strerror(errno));
	}
	umask(old);
	return 0;
}

/* rel (relative, "" for the root) opened under the container's root
 * (rootfd) as a directory, resolved inside it as the container sees it:
 * an image's symlink (/etc -> /, say) cannot lead out to guest-init's own
 * files. -errno. */
static int dir_in_root(int rootfd, const char *rel)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, rootfd, rel[0] ? rel : ".", &how, sizeof how);

	return fd < 0 ? -errno : fd;
}

/* The directory rel and its missing parents, each made inside the root. */
static int make_dirs_in_root(int rootfd, const char *rel)
{
	char part[PATH_MAX];
	size_t n = strlen(rel);

	if (n >= sizeof part)
		return -ENAMETOOLONG;
	memcpy(part, rel, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (i < n && part[i] != '/')
			continue;
		part[i] = '\0';
		int fd = dir_in_root(rootfd, part);
		if (fd == -ENOENT) {
			char *slash = strrchr(part, '/');
			if (slash)
				*slash = '\0';
			int parent = dir_in_root(rootfd, slash ? part : "");
			if (slash)
				*slash = '/';
			if (parent < 0)
				return parent;
			int r = mkdirat(parent, slash ? slash + 1 : part, 0755);
			r = r && errno != EEXIST ? -errno : 0;
			close(parent);
			if (r)
				return r;
		} else if (fd < 0) {
			return fd;
		} else {
			close(fd);
		}
		if (i < n)
			part[i] = '/';
	}
	return 0;
}

/* rel's directory (made) inside the root, and its last name into *base. */
static int parent_in_root(int rootfd, char *rel, const char **base)
{
	char *slash = strrchr(rel, '/');

	*base = slash ? slash + 1 : rel;
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
		return -EINVAL;
	if (!slash)
		return dir_in_root(rootfd, "");
	*slash = '\0';
	int r = make_dirs_in_root(rootfd, rel);
	int fd = r ? r : dir_in_root(rootfd, rel);
	*slash = '/';
	return fd;
}

/* One launch file into the root, owned by root with the file's mode: what
 * the image has at its path (a file, a symlink, not followed, a FIFO or a
 * device node) is replaced, as debugfs replaces it on a root disk of the
 * container's own (rootdisk.c) and as the engine's bind mount hides it. */
static int write_launch_file(int rootfd, const struct vxn_file *f, struct vxn_err *err)
{
	char rel[PATH_MAX];
	const char *base;
	struct stat st;
	const char *p = f->path;

	while (*p == '/')
		p++;
	if (snprintf(rel, sizeof rel, "%s", p) >= (int)sizeof rel)
		return err_set(err, ENAMETOOLONG, "file %s", f->path);
	int dir = parent_in_root(rootfd, rel, &base);
	if (dir < 0)
		return err_set(err, -dir, "file %s: its directory", f->path);
	int r = 0;
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		r = S_ISDIR(st.st_mode) ? EISDIR : unlinkat(dir, base, 0) ? errno : 0;
	int fd = r ? -1 : openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				 0600);
	if (fd < 0 && !r)
		r = errno;
	close(dir);
	if (r)
		return err_set(err, r, "file %s", f->path);
	r = write_all(fd, f->data, f->len) || fchmod(fd, f->mode) ? errno : 0;
	close(fd);
	return r ? err_set(err, r, "writing %s", f->path) : 0;
}

static int write_launch_files(const struct vxn_launch *l, struct vxn_err *err)
{
	if (l->nfiles == 0)
		return 0;
	int root = open(GUEST_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_set(err, errno, "open %s", GUEST_ROOT);
	int r = 0;
	for (uint32_t i = 0; r == 0 && i < l->nfiles; i++)
		r = write_launch_file(root, &l->files[i], err);
	close(root);
	return r;
}

/* Every mount in the spec's order, as runc makes them: the container's
 * /proc/self/mountinfo lists them so (runtime-tools checks it). Those the
 * process makes again (mount_by_process) are made here too, in their
 * place, and the process stacks its own on them. */
int mount_container(const struct vxn_launch *l, struct vxn_err *err)
{
	if (write_launch_files(l, err) != 0)
		return -1;
	for (uint32_t i = 0; i < l->nmounts; i++)
		if (mount_launch_entry(&l->mounts[i], err) != 0)
			return -1;
	if (make_devices(l, err) != 0)
		return -1;
	/* runc creates a missing cwd too (as root, before dropping privileges) */
	char cwd[PATH_MAX];
	if (path_in_root(GUEST_ROOT, l->cwd, cwd, sizeof cwd) != 0 ||
	    mkdir_p(cwd, 0755) != 0)
		console_say("cannot create cwd %s", l->cwd);
	if (l->root_readonly &&
	    mount(NULL, GUEST_ROOT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
		return err_set(err, errno, "remount the root read-only");
	return 0;
}

int mount_process_entries(const struct vxn_launch *l, struct vxn_err *err)
{
	for (uint32_t i = 0; i < l->nmounts; i++)
		if (mount_by_process(l, i) && mount_launch_entry(&l->mounts[i], err) != 0)
			return -1;
	return 0;
}

static int readonly_path(const char *path, struct vxn_err *err)
{
	char dst[PATH_MAX];

	if (path_in_root(GUEST_ROOT, path, dst, sizeof dst) != 0)
		return err_set(err, ENAMETOOLONG, "readonly path %s", path);
	if (mount(dst, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
		return errno == ENOENT ? 0 : err_set(err, errno, "readonly path %s", path);
	if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) != 0)
		return err_set(err, errno, "readonly path %s: remount", path);
	return 0;
}

static int mask_path(const char *path, struct vxn_err *err)
{
	char dst[PATH_MAX];
	struct stat st;

	if (path_in_root(GUEST_ROOT, path, dst, sizeof dst) != 0)
		return err_set(err, ENAMETOOLONG, "masked path %s", path);
	if (stat(dst, &st) != 0)
		return errno == ENOENT ? 0 : err_set(err, errno, "masked path %s", path);
	int r = S_ISDIR(st.st_mode) ? mount("tmpfs", dst, "tmpfs", MS_RDONLY, NULL)
				    : mount("/dev/null", dst, NULL, MS_BIND, NULL);
	if (r != 0)
		return err_set(err, errno, "masked path %s", path);
	return 0;
}

int protect_paths(const struct vxn_launch *l, struct vxn_err *err)
{
	for (uint32_t i = 0; i < l->nreadonly_paths; i++)
		if (readonly_path(l->readonly_paths[i], err) != 0)
			return -1;
	for (uint32_t i = 0; i < l->nmasked_paths; i++)
		if (mask_path(l->masked_paths[i], err) != 0)
			return -1;
	return 0;
}
