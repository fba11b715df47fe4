#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "util.h"

#define CGROUP_CTR_PREFIX "ctr-"

/* cpu.max's text: "max" (the period as it is) when there is no quota */
static void cpu_max_text(uint64_t quota, uint64_t period, char *out, size_t cap)
{
	if (quota == 0)
		snprintf(out, cap, "max");
	else
		snprintf(out, cap, "%" PRIu64 " %" PRIu64, quota, period);
}

/* One value into a control file of the directory open at dir. */
static int control_write(int dir, const char *file, const char *value, struct vxn_err *err)
{
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC);
	int r = fd < 0 || write_all(fd, value, strlen(value)) ? -1 : 0;
	int e = errno;

	if (fd >= 0)
		close(fd);
	return r ? err_set(err, e, "cgroup %s <- %s", file, value) : 0;
}

static int root = -1;  /* CGROUP_DIR, once mounted and set up */

/* cgroup2 at CGROUP_DIR, the memory and cpu controllers handed down to
 * the containers' cgroups each as the kernel has it (a limit whose
 * controller is missing fails when it is set), once; unmounted again when
 * that fails, so that no later try stacks a mount on it. */
static int cgroup_root(struct vxn_err *err)
{
	if (root >= 0)
		return root;
	int r = mkdir_p(CGROUP_DIR, 0700);
	if (r < 0)
		return err_set(err, -r, "mkdir %s", CGROUP_DIR);
	if (mount("cgroup2", CGROUP_DIR, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return err_set(err, errno, "mount cgroup2 (a guest kernel without cgroups?)");
	int fd = open(CGROUP_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, errno, "open %s", CGROUP_DIR);
		umount2(CGROUP_DIR, MNT_DETACH);
		return -1;
	}
	struct vxn_err ignored;
	control_write(fd, "cgroup.subtree_control", "+memory", &ignored);
	control_write(fd, "cgroup.subtree_control", "+cpu", &ignored);
	return root = fd;
}

static int ctr_dir_name(const char *name, char *out, size_t cap)
{
	return (size_t)snprintf(out, cap, CGROUP_CTR_PREFIX "%s", name) < cap ? 0 : -1;
}

/* The cgroups of containers that have ended: CRI gives each restart a new
 * ID, so a crash-looping container would leave one per attempt. rmdir
 * fails (EBUSY) on any that still has a process, a running container's. */
static void sweep_ended(void)
{
	int fd = dup(root);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_type == DT_DIR &&
		    strncmp(e->d_name, CGROUP_CTR_PREFIX, sizeof(CGROUP_CTR_PREFIX) - 1) == 0)
			unlinkat(root, e->d_name, AT_REMOVEDIR);
	closedir(d);
}

/* file <- value when the container asks for the limit or the kernel has
 * the file (its controller): no limit asked means "max". */
static int limit_write(int dir, const char *file, bool asked, const char *value,
		       struct vxn_err *err)
{
	if (!asked && faccessat(dir, file, F_OK, 0) != 0)
		return 0;
	return control_write(dir, file, value, err);
}

int cgroup_for_ctr(const char *name, const struct vxn_launch *l, struct vxn_err *err)
{
	char dir[sizeof(CGROUP_CTR_PREFIX) + VXN_CTR_NAME_MAX + 1];
	char value[48];

	if (cgroup_root(err) < 0)
		return -1;
	if (ctr_dir_name(name, dir, sizeof dir) != 0)
		return err_set(err, ENAMETOOLONG, "cgroup of %s", name);
	sweep_ended();
	if (mkdirat(root, dir, 0755) != 0 && errno != EEXIST)
		return err_set(err, errno, "mkdir cgroup %s", dir);
	int fd = openat(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open cgroup %s", dir);
	if (l->memory_max)
		snprintf(value, sizeof value, "%" PRIu64, l->memory_max);
	else
		snprintf(value, sizeof value, "max");
	int r = limit_write(fd, "memory.max", l->memory_max != 0, value, err);
	cpu_max_text(l->cpu_quota_us, l->cpu_period_us, value, sizeof value);
	if (r == 0)
		r = limit_write(fd, "cpu.max", l->cpu_quota_us != 0, value, err);
	if (r != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

bool cgroup_in_use(void)
{
	return root >= 0;
}

int cgroup_of_ctr(const char *name)
{
	char dir[sizeof(CGROUP_CTR_PREFIX) + VXN_CTR_NAME_MAX + 1];

	if (root < 0 || ctr_dir_name(name, dir, sizeof dir) != 0)
		return -1;
	return openat(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_join(int dir)
{
	struct vxn_err err;

	return control_write(dir, "cgroup.procs", "0", &err);
}
