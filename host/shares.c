#include "shares.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "pod.h"

/* Room for a few empty directories and files, no more. */
#define SHARE_ROOT_OPTIONS "size=64k,nr_inodes=256,mode=0700"
#define SHARE_ROOT_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static const char *kind_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFIFO: return "a FIFO";
	default: return "not a directory or regular file";
	}
}

/* runc's words for a missing source, so that engines and users see the same. */
int shares_source_check(const struct vxn_plan_share *sh, struct stat *st, struct vxn_err *err)
{
	const char *dest = sh->destination;

	if (sh->pod) {  /* no source: filled later (host/pod.c) */
		st->st_mode = S_IFDIR;
		return 0;
	}
	if (stat(sh->source, st)) {
		char why[128];
		snprintf(why, sizeof why, "%s", strerror(errno));
		why[0] = (char)tolower((unsigned char)why[0]);  /* Go's error text */
		return err_set(err, 0, "error mounting \"%s\" to rootfs at \"%s\": stat %s: %s",
			       sh->source, dest, sh->source, why);
	}
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))
		return err_set(err, 0, "mounts[%zu] %s: %s is %s: only directories and regular "
			       "files can be shared with a guest", sh->mount_index, dest,
			       sh->source, kind_name(st->st_mode));
	return 0;
}

int shares_make_entry(const struct vxn_plan_share *sh, bool dir, struct vxn_err *err)
{
	char entry[PATH_MAX];

	snprintf(entry, sizeof entry, "%s/%s", sh->export_dir, sh->entry);
	if (dir)
		return mkdir(entry, 0755) ? err_set(err, errno, "mkdir %s", entry) : 0;
	int fd = open(entry, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return err_set(err, errno, "create %s", entry);
	close(fd);
	return 0;
}

/* export_dir and, in it, an empty entry of the source's kind to mount on.
 * Shares riding on the root's device have its export_dir, made by
 * whichever of them comes first. */
static int make_export(const struct vxn_plan_share *sh, bool dir, struct vxn_err *err)
{
	if (sh->pod)
		return pod_export_make(sh->export_dir, err);
	if (mkdir(sh->export_dir, 0755) &&
	    !(errno == EEXIST && strcmp(sh->tag, VXN_ROOT_SHARE_TAG) == 0))
		return err_set(err, errno, "mkdir %s", sh->export_dir);
	return shares_make_entry(sh, dir, err);
}

/* The entry itself, as /proc/self/fd/N in fdpath: never a symlink. A pod's
 * guest runs while dom0 adds a member's entries to the pod's export, and
 * could swap one for a symlink before the bind: mount(2) would follow it
 * anywhere in dom0. The magic link names exactly the inode opened. */
static int entry_fd(const char *entry, char fdpath[static 32], struct vxn_err *err)
{
	struct stat st;
	int fd = open(entry, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "%s", entry);
	if (fstat(fd, &st) || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
		close(fd);
		return err_set(err, ELOOP, "%s is not the entry vxn made: not mounted on", entry);
	}
	snprintf(fdpath, 32, "/proc/self/fd/%d", fd);
	return fd;
}

/* A read-write volume keeps the source's submounts (rbind, as the engines
 * ask); a read-only one does not: a remount makes only the top mount
 * read-only, and a writable submount would defeat it. */
int shares_bind(const struct vxn_plan_share *sh, struct vxn_err *err)
{
	char entry[PATH_MAX], at[32];
	unsigned long rec = sh->readonly ? 0 : MS_REC;
	unsigned long ro = sh->readonly ? MS_RDONLY : 0;

	if (sh->pod)
		return 0;
	snprintf(entry, sizeof entry, "%s/%s", sh->export_dir, sh->entry);
	cleanup_close int fd = entry_fd(entry, at, err);
	if (fd < 0)
		return -1;
	if (mount(sh->source, at, NULL, MS_BIND | rec, NULL))
		return err_set(err, errno, "bind mount %s on %s", sh->source, entry);
	/* the bind's own root now, opened the same way */
	cleanup_close int top = entry_fd(entry, at, err);
	if (top < 0)
		return -1;
	if (mount(NULL, at, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | ro, NULL))
		return err_set(err, errno, "remount %s%s", entry, ro ? " read-only" : "");
	log_debug("share %s/%s: %s on %s%s", sh->tag, sh->entry, sh->source, entry, ro ? " (read-only)" : "");
	return 0;
}

/* The container's tmpfs, private (nothing of it propagates to other mount
 * namespaces), then the export directories, then read-only. */
static int make_share_root(const struct vxn_plan *p, struct vxn_err *err)
{
	struct stat st;

	if (mkdir(p->share_root, 0700))
		return err_set(err, errno, "mkdir %s", p->share_root);
	if (mount("vxn-shares", p->share_root, "tmpfs", SHARE_ROOT_FLAGS, SHARE_ROOT_OPTIONS) ||
	    mount(NULL, p->share_root, NULL, MS_PRIVATE | MS_REC, NULL))
		return err_set(err, errno, "mount a tmpfs on %s", p->share_root);
	for (size_t i = 0; i < p->nshares; i++) {
		if (shares_source_check(&p->shares[i], &st, err) ||
		    make_export(&p->shares[i], S_ISDIR(st.st_mode), err))
			return -1;
	}
	if (mount(NULL, p->share_root, NULL, MS_REMOUNT | MS_RDONLY | SHARE_ROOT_FLAGS, NULL))
		return err_set(err, errno, "remount %s read-only", p->share_root);
	return 0;
}

int shares_prepare(const struct vxn_plan *p, struct vxn_err *err)
{
	struct stat st;

	/* bad input first, before anything is made */
	for (size_t i = 0; i < p->nshares; i++)
		if (shares_source_check(&p->shares[i], &st, err))
			return -1;
	if (p->nshares == 0)
		return 0;
	int r = make_share_root(p, err);
	for (size_t i = 0; r == 0 && i < p->nshares; i++)
		r = shares_bind(&p->shares[i], err);
	if (r)
		shares_release(p->share_root);
	return r;
}

void shares_release(const char *share_root)
{
	if (!share_root)
		return;
	/* MNT_DETACH takes the binds beneath along; stacked mounts (a create
	 * run twice by hand) come off one per call */
	for (int i = 0; i < 16 && umount2(share_root, MNT_DETACH | UMOUNT_NOFOLLOW) == 0; i++)
		log_debug("unmounted %s", share_root);
	if (rmdir(share_root) && errno != ENOENT)
		log_warn("cannot remove %s: %s", share_root, strerror(errno));
}
