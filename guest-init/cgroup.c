#include "cgroup.h"

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

void cgroup_cpu_max_text(uint64_t quota, uint64_t period, char *out, size_t cap)
{
	if (quota == 0)
		snprintf(out, cap, "max %" PRIu64, period ? period : 100000);
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

/* cgroup2 at CGROUP_DIR with the memory and cpu controllers handed down
 * to the containers' cgroups, once. */
static int root = -1;  /* CGROUP_DIR, once mounted */

static int cgroup_root(struct vxn_err *err)
{
	if (root >= 0)
		return root;
	int r = mkdir_p(CGROUP_DIR, 0700);
	if (r < 0)
		return err_set(err, -r, "mkdir %s", CGROUP_DIR);
	if (mount("cgroup2", CGROUP_DIR, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0 &&
	    errno != EBUSY)
		return err_set(err, errno, "mount cgroup2 (a guest kernel without cgroups?)");
	int fd = open(CGROUP_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open %s", CGROUP_DIR);
	if (control_write(fd, "cgroup.subtree_control", "+memory +cpu", err) != 0) {
		close(fd);
		return -1;
	}
	return root = fd;
}

static int ctr_dir_name(const char *name, char *out, size_t cap)
{
	return (size_t)snprintf(out, cap, CGROUP_CTR_PREFIX "%s", name) < cap ? 0 : -1;
}

int cgroup_for_ctr(const char *name, const struct vxn_launch *l, struct vxn_err *err)
{
	char dir[sizeof(CGROUP_CTR_PREFIX) + VXN_CTR_NAME_MAX + 1];
	char value[48];
	int root = cgroup_root(err);

	if (root < 0)
		return -1;
	if (ctr_dir_name(name, dir, sizeof dir) != 0)
		return err_set(err, ENAMETOOLONG, "cgroup of %s", name);
	if (mkdirat(root, dir, 0755) != 0 && errno != EEXIST)
		return err_set(err, errno, "mkdir cgroup %s", dir);
	int fd = openat(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open cgroup %s", dir);
	if (l->memory_max)
		snprintf(value, sizeof value, "%" PRIu64, l->memory_max);
	else
		snprintf(value, sizeof value, "max");
	int r = control_write(fd, "memory.max", value, err);
	cgroup_cpu_max_text(l->cpu_quota_us, l->cpu_period_us, value, sizeof value);
	if (r == 0)
		r = control_write(fd, "cpu.max", value, err);
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
