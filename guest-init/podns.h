/* The PID namespaces of a pod's other containers, from guest-init's side:
 * which one its next fork lands in. guest-init made the sandbox's with
 * unshare(CLONE_NEWPID) (main.c), so its children land there; a container
 * with a namespace of its own, or a process joining another container's,
 * needs that switched for one fork and then put back, so later execs
 * still land in the sandbox's. */
#ifndef VXN_GUEST_PODNS_H
#define VXN_GUEST_PODNS_H

#include <sys/types.h>

#include "error.h"

/* The next fork makes a new PID namespace, a sibling of the sandbox's,
 * with the child as its init. *saved: what podns_pid_restore puts back. */
int podns_pid_new(int *saved, struct vxn_err *err);
/* The next fork lands in pid's PID namespace. */
int podns_pid_join(pid_t pid, int *saved, struct vxn_err *err);
/* After the fork: forks land where they did before (saved < 0: nothing to
 * do). Closes saved. */
void podns_pid_restore(int saved);
/* pid's mount namespace, an fd for setns (close-on-exec), or -1. */
int podns_mnt_open(pid_t pid, struct vxn_err *err);

#endif
