#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* guest-init's own /proc, before the chroot: the process's own entry */
static int write_oom_score_adj(int32_t adj)
{
	char text[16];
	int n = snprintf(text, sizeof text, "%d", (int)adj);
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t w = write(fd, text, (size_t)n);
	int e = errno;
	close(fd);
	errno = e;
	return w == n ? 0 : -1;
}

/* Drop every capability the spec's bounding set leaves out, up to the last
 * one this kernel knows (PR_CAPBSET_READ fails with EINVAL beyond it). */
static int drop_bounding(uint64_t keep)
{
	for (int cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			return errno == EINVAL ? 0 : -1;
		if (!(keep & 1ull << cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			return -1;
	}
	return 0;
}

int privileges_before_user(const struct vxn_launch *l, const char **what)
{
	if (l->oom_score_adj_set && write_oom_score_adj(l->oom_score_adj) != 0)
		return *what = "oom_score_adj", -1;
	if (drop_bounding(l->caps.bounding) != 0)
		return *what = "drop from the bounding set", -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return *what = "keep capabilities across setuid", -1;
	return 0;
}

static int set_caps(const struct vxn_caps *c)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)c->effective, (uint32_t)c->permitted, (uint32_t)c->inheritable },
		{ (uint32_t)(c->effective >> 32), (uint32_t)(c->permitted >> 32),
		  (uint32_t)(c->inheritable >> 32) },
	};

	return (int)syscall(SYS_capset, &hdr, data);
}

int privileges_after_user(const struct vxn_launch *l, const char **what)
{
	if (set_caps(&l->caps) != 0)
		return *what = "capset", -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* as runc: an ambient capability outside the permitted and inheritable
	 * sets is left out, not an error */
	for (int cap = 0; cap < 64; cap++)
		if (l->caps.ambient & 1ull << cap)
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
	if (l->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return *what = "no_new_privs", -1;
	return 0;
}
