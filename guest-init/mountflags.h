/* Pure translation of a launch mount into mount(2) calls, unit-tested.
 * One OCI mount may need up to three calls: the mount itself, a remount
 * (a bind mount ignores MS_RDONLY & co on the first call), and a
 * propagation change (which mount(2) refuses to combine with anything). */
#ifndef VXN_GUEST_MOUNTFLAGS_H
#define VXN_GUEST_MOUNTFLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "vxn-proto.h"

/* SHARE: a bind whose source is a volume's entry in its 9pfs share
 * (VXN_SHARE_TYPE), not a path inside the container's root. */
enum mount_kind { MOUNT_KIND_FS, MOUNT_KIND_BIND, MOUNT_KIND_SHARE, MOUNT_KIND_SKIP };

struct mount_steps {
	enum mount_kind kind;
	unsigned long flags;        /* first call */
	unsigned long remount;      /* 0: no remount */
	unsigned long propagation;  /* 0: leave as is */
};

/* cgroup mounts are skipped: the guest is the container, there is no host
 * hierarchy to show it. */
void mount_steps_from(const char *type, uint64_t flags, struct mount_steps *s);

/* Whether launch mount i is made again by the container's process, after it
 * has become PID 1 of its new PID namespace and before its exec, on top of
 * guest-init's (which keeps the spec's order in mountinfo): a proc
 * filesystem shows the PID namespace of whoever mounts it, so with
 * l->pid_namespace every proc mount is the process's, and so is every later
 * mount beneath one (made earlier, the new proc would hide it). */
bool mount_by_process(const struct vxn_launch *l, uint32_t i);

#endif
