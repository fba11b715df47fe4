#include "podns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

static int ns_open(const char *path, struct vxn_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd >= 0 ? fd : err_set(err, errno, "open %s", path);
}

static int ns_open_of(pid_t pid, const char *ns, struct vxn_err *err)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
	return ns_open(path, err);
}

/* Switch the namespace of the next fork to fd's; closes fd. */
static int pid_for_children_set(int fd, struct vxn_err *err)
{
	int r = setns(fd, CLONE_NEWPID);
	int e = errno;

	close(fd);
	return r == 0 ? 0 : err_set(err, e, "setns (PID namespace)");
}

/* A second unshare(CLONE_NEWPID) fails (EINVAL) while the namespace of
 * the next fork is not guest-init's own: back to its own first. */
int podns_pid_new(int *saved, struct vxn_err *err)
{
	int self;

	if ((*saved = ns_open("/proc/self/ns/pid_for_children", err)) < 0)
		return -1;
	if ((self = ns_open("/proc/self/ns/pid", err)) < 0 ||
	    pid_for_children_set(self, err) != 0)
		goto fail;
	if (unshare(CLONE_NEWPID) != 0) {
		err_set(err, errno, "unshare the PID namespace");
		goto fail;
	}
	return 0;
fail:
	podns_pid_restore(*saved);
	*saved = -1;
	return -1;
}

int podns_pid_join(pid_t pid, int *saved, struct vxn_err *err)
{
	int fd;

	if ((*saved = ns_open("/proc/self/ns/pid_for_children", err)) < 0)
		return -1;
	if ((fd = ns_open_of(pid, "pid", err)) < 0 || pid_for_children_set(fd, err) != 0) {
		close(*saved);
		*saved = -1;
		return -1;
	}
	return 0;
}

void podns_pid_restore(int saved)
{
	struct vxn_err err = { 0 };

	/* cannot fail: the sandbox's namespace is a child of guest-init's */
	if (saved >= 0 && pid_for_children_set(saved, &err) != 0)
		console_say("PID namespace not put back: %s", err.msg);
}

int podns_mnt_open(pid_t pid, struct vxn_err *err)
{
	return ns_open_of(pid, "mnt", err);
}
