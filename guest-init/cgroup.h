/* A pod's app containers' own limits inside the pod's guest (cgroup v2):
 * the guest is sized for the whole pod, so one container over its memory
 * limit is killed by the kernel's OOM killer in its own cgroup, as under
 * runc, instead of taking memory from the others. */
#ifndef VXN_GUEST_CGROUP_H
#define VXN_GUEST_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "vxn-proto.h"

/* Where guest-init mounts cgroup2 (in its own mount namespace: the
 * containers' roots cover it in theirs). */
#define CGROUP_DIR "/vxn/cgroup"

/* The cgroup of pod container name ("ctr-NAME" under CGROUP_DIR; those
 * of ended containers are removed first), its
 * memory.max and cpu.max set from l (no limit where l has 0), open as a
 * directory for cgroup_join. cgroup2 is mounted and its controllers
 * enabled on the first call. -1 with err when the guest kernel has no
 * cgroups or a limit cannot be set. */
int cgroup_for_ctr(const char *name, const struct vxn_launch *l, struct vxn_err *err);
/* Whether a container's limits have mounted cgroup2 yet. */
bool cgroup_in_use(void);
/* The same cgroup for an exec in container name; -1 when it has none. */
int cgroup_of_ctr(const char *name);
/* In the child before it execs: move itself into the cgroup open at dir. */
int cgroup_join(int dir);

#endif
