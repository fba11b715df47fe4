#include "pod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "shares.h"

/* A few hundred entries, no room for the guest's data. */
#define POD_EXPORT_OPTIONS "size=64k,nr_inodes=1024,mode=0755"
#define POD_EXPORT_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define POD_MAX_CONTAINERS 100000u  /* c0 .. c99999: entry names stay short */

int pod_export_make(const char *export_dir, struct vxn_err *err)
{
	if (mkdir(export_dir, 0755))
		return err_set(err, errno, "mkdir %s", export_dir);
	if (mount("vxn-pod", export_dir, "tmpfs", POD_EXPORT_FLAGS, POD_EXPORT_OPTIONS) ||
	    mount(NULL, export_dir, NULL, MS_REMOUNT | MS_RDONLY | POD_EXPORT_FLAGS, NULL))
		return err_set(err, errno, "mount the pod's tmpfs on %s", export_dir);
	return 0;
}

int pod_export_path(const char *sandbox_dir, char *out, size_t cap, struct vxn_err *err)
{
	size_t n = (size_t)snprintf(out, cap, "%s/shares/" VXN_POD_SHARE_TAG, sandbox_dir);
	return n >= cap ? err_set(err, ENAMETOOLONG, "pod share of %s", sandbox_dir) : 0;
}

static int export_writable(const char *export_dir, bool rw)
{
	return mount(NULL, export_dir, NULL,
		     MS_REMOUNT | POD_EXPORT_FLAGS | (rw ? 0 : MS_RDONLY), NULL);
}

/* N of an entry "c<N>..." or -1. */
static long entry_number(const char *name)
{
	char *end;
	if (name[0] != 'c' || name[1] < '0' || name[1] > '9')
		return -1;
	long n = strtol(name + 1, &end, 10);
	return *end == 'r' || *end == 'f' || *end == 'm' ? n : -1;
}

int pod_lock(const char *export_dir, char prefix[16], struct vxn_err *err)
{
	int fd = open(export_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "the pod's share %s", export_dir);
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return err_set(err, errno, "locking %s", export_dir);
	}
	long max = -1;
	DIR *d = opendir(export_dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		long n = entry_number(e->d_name);
		if (n > max)
			max = n;
	}
	if (d)
		closedir(d);
	if (max + 1 >= (long)POD_MAX_CONTAINERS) {
		close(fd);
		return err_set(err, 0, "the pod has had %u containers: no more", POD_MAX_CONTAINERS);
	}
	snprintf(prefix, 16, "c%ld", max + 1);
	return fd;
}

void pod_lock_release(int lock)
{
	if (lock >= 0)
		close(lock);
}

static bool entry_of(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(name, prefix, n) == 0 &&
	       (name[n] == 'r' || name[n] == 'f' || name[n] == 'm');
}

/* Unmount first (MNT_DETACH: QEMU may hold files open), then remove the
 * empty mount points: never a recursive removal of what a bind exposed. */
static void entries_remove(const char *export_dir, const char *prefix)
{
	char path[PATH_MAX];
	DIR *d = opendir(export_dir);
	if (!d)
		return;
	bool rw = false;
	for (struct dirent *e; (e = readdir(d));) {
		if (!entry_of(e->d_name, prefix))
			continue;
		snprintf(path, sizeof path, "%s/%s", export_dir, e->d_name);
		while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
		if (!rw && export_writable(export_dir, true) == 0)
			rw = true;
		if (rmdir(path) && errno == ENOTDIR && unlink(path))
			log_warn("cannot remove %s: %s", path, strerror(errno));
	}
	closedir(d);
	if (rw && export_writable(export_dir, false))
		log_warn("%s stays writable: %s", export_dir, strerror(errno));
}

int pod_entries_add(const struct vxn_plan *p, const char *export_dir, const char *prefix,
		    struct vxn_err *err)
{
	struct stat st;
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->nshares; i++)
		r = shares_source_check(&p->shares[i], &st, err);
	if (r)
		return -1;
	if (export_writable(export_dir, true))
		return err_set(err, errno, "remount %s writable", export_dir);
	for (size_t i = 0; r == 0 && i < p->nshares; i++)
		if ((r = shares_source_check(&p->shares[i], &st, err)) == 0)
			r = shares_make_entry(&p->shares[i], S_ISDIR(st.st_mode), err);
	if (export_writable(export_dir, false) && r == 0)
		r = err_set(err, errno, "remount %s read-only", export_dir);
	for (size_t i = 0; r == 0 && i < p->nshares; i++)
		r = shares_bind(&p->shares[i], err);
	if (r)
		entries_remove(export_dir, prefix);
	return r;
}

void pod_entries_remove(const char *export_dir, const char *prefix)
{
	char unused[16];
	struct vxn_err err;
	int lock = pod_lock(export_dir, unused, &err);
	if (lock < 0) {
		log_debug("pod entries %s*: %s", prefix, err.msg);
		return;  /* the sandbox and its export are gone: nothing left */
	}
	entries_remove(export_dir, prefix);
	pod_lock_release(lock);
}
