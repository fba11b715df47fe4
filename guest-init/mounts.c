#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "files.h"
#include "mountflags.h"
#include "paths.h"

#define ROOT_LOWER "/mnt/lower"
#define ROOT_RW "/mnt/rw"

static int mount_one(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data, struct vxn_err *err)
{
	int r = mkdir_p(dst, 0755);
	if (r != 0)
		return err_set(err, -r, "mkdir %s", dst);
	if (mount(src, dst, type, flags, data) != 0)
		return err_set(err, errno, "mount %s on %s (%s)", src, dst, type);
	return 0;
}

int mount_early(struct vxn_err *err)
{
	const unsigned long nsd = MS_NOSUID | MS_NODEV;

	if (mount_one("proc", "/proc", "proc", nsd | MS_NOEXEC, "", err) ||
	    mount_one("sysfs", "/sys", "sysfs", nsd | MS_NOEXEC, "", err) ||
	    mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", err))
		return -1;
	console_attach();
	return mount_one("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			 "newinstance,ptmxmode=0666,mode=0620", err) ||
	       mount_one("shm", "/dev/shm", "tmpfs", nsd, "mode=1777", err);
}

static int module_load(const char *name, struct vxn_err *err)
{
	char path[PATH_MAX];

	if (!*name || strchr(name, '/') || strcmp(name, "..") == 0)
		return err_set(err, 0, "modules.load: bad module name '%s'", name);
	snprintf(path, sizeof path, "/vxn/modules/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open %s", path);
	long r = syscall(SYS_finit_module, fd, "", 0);
	int e = errno;
	close(fd);
	if (r != 0 && e != EEXIST)
		return err_set(err, e, "load module %s", name);
	return 0;
}

int modules_load(struct vxn_err *err)
{
	FILE *f = fopen("/vxn/modules.load", "re");
	char line[256];

	if (!f)
		return errno == ENOENT ? 0 : err_set(err, errno, "open /vxn/modules.load");
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (module_load(line, err) != 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int device_wait(const char *path, int timeout_ms, struct vxn_err *err)
{
	const struct timespec step = { 0, 5 * 1000 * 1000 };

	/* opened, not only seen: a hot-plugged disk's node exists a moment
	 * before the disk can be opened (ENXIO; a warm pool guest, lab) */
	for (int waited = 0; waited <= timeout_ms; waited += 5) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		nanosleep(&step, NULL);
	}
	return err_set(err, ETIMEDOUT, "waiting for %s", path);
}

/* erofs is read-only by nature: an overlay with a tmpfs upper layer makes it
 * writable (writes live in the guest's memory and die with it, like a
 * container's writable layer) and lets mount points be created in it. A
 * read-only spec root is remounted read-only after the mounts are made. */
static int mount_root_overlay(const char *fstype, struct vxn_err *err)
{
	if (mount_one(VXN_ROOT_DEVICE, ROOT_LOWER, fstype, MS_RDONLY, "", err) ||
	    mount_one("rw", ROOT_RW, "tmpfs", 0, "mode=0755", err))
		return -1;
	if (mkdir(ROOT_RW "/upper", 0755) != 0 || mkdir(ROOT_RW "/work", 0755) != 0)
		return err_set(err, errno, "mkdir in %s", ROOT_RW);
	return mount_one("overlay", GUEST_ROOT, "overlay", 0,
			 "lowerdir=" ROOT_LOWER ",upperdir=" ROOT_RW "/upper,workdir="
			 ROOT_RW "/work", err);
}

/* The 9pfs front-end registers a share's tag only once dom0's QEMU has
 * connected its backend, which may be after guest-init starts: until then
 * the mount fails with ENOENT or EINVAL; once, in CI, a raw Xen guest's first
 * mount failed with EIO (tests/lab/test-xl-p9.sh), so that is waited out too.
 * cache=mmap: reads and writes go to dom0 at once (either side sees the
 * other's writes), shared writable mmap works. msize: as much per request as
 * the Xen transport takes. */
#define SHARE_WAIT_MS 20000
#define SHARE_OPTIONS "trans=xen,version=9p2000.L,cache=mmap,msize=262144"

static int mount_share(const char *tag, unsigned long flags, struct vxn_err *err)
{
	const struct timespec step = { 0, 10 * 1000 * 1000 };
	char dir[sizeof(VXN_SHARE_DIR) + VXN_SHARE_TAG_MAX + 2];

	snprintf(dir, sizeof dir, VXN_SHARE_DIR "/%s", tag);
	int r = mkdir_p(dir, 0700);
	if (r != 0)
		return err_set(err, -r, "mkdir %s", dir);
	for (int waited = 0;; waited += 10) {
		if (mount(tag, dir, "9p", flags, SHARE_OPTIONS) == 0)
			return 0;
		if ((errno != ENOENT && errno != EINVAL && errno != EIO) ||
		    waited >= SHARE_WAIT_MS)
			return err_set(err, errno, "mount share %s (9p over Xen)", tag);
		nanosleep(&step, NULL);
	}
}

/* A pod's share holds its other containers' roots: as with the root's
 * share, their setuid files and device nodes work as on a disk would. */
int mount_shares(const struct vxn_launch *l, struct vxn_err *err)
{
	for (uint32_t i = 0; i < l->nshares; i++) {
		const char *tag = l->shares[i].tag;
		bool pod = strcmp(tag, VXN_POD_SHARE_TAG) == 0;
		if (mount_share(tag, pod ? 0 : MS_NODEV | MS_NOSUID, err) != 0)
			return -1;
	}
	return 0;
}

/* The host's rootfs directory itself: setuid files and device nodes in it
 * work as on the container's disk would (dom0's side of the share is nosuid,
 * nodev: host/shares.c). */
static int mount_root_share(struct vxn_err *err)
{
	if (mount_share(VXN_ROOT_SHARE_TAG, 0, err) != 0)
		return -1;
	return mount_one(VXN_SHARE_DIR "/" VXN_ROOT_SHARE_TAG "/" VXN_SHARE_ENTRY, GUEST_ROOT,
			 NULL, MS_BIND, NULL, err);
}

bool root_is_shared(const struct vxn_launch *l)
{
	return strcmp(l->root_fstype, VXN_ROOT_SHARED) == 0;
}

int mount_root(const struct vxn_launch *l, struct vxn_err *err)
{
	const char *fstype = l->root_fstype[0] ? l->root_fstype : "ext4";

	if (root_is_shared(l))
		return mount_root_share(err);

	if (strcmp(fstype, "erofs") == 0)
		return mount_root_overlay(fstype, err);
	if (mount_one(VXN_ROOT_DEVICE, GUEST_ROOT, fstype, 0, "", err) == 0)
		return 0;
	/* a read-only root may come on a read-only disk */
	if (l->root_readonly && (err->errnum == EROFS || err->errnum == EACCES))
		return mount_one(VXN_ROOT_DEVICE, GUEST_ROOT, fstype, MS_RDONLY, "", err);
	return -1;
}
