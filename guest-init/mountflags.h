/* Pure translation of a launch mount into mount(2) calls, unit-tested.
 * One OCI mount may need up to three calls: the mount itself, a remount
 * (a bind mount ignores MS_RDONLY & co on the first call), and a
 * propagation change (which mount(2) refuses to combine with anything). */
#ifndef VXN_GUEST_MOUNTFLAGS_H
#define VXN_GUEST_MOUNTFLAGS_H

#include <stdbool.h>
#include <stdint.h>

enum mount_kind { MOUNT_KIND_FS, MOUNT_KIND_BIND, MOUNT_KIND_SKIP };

struct mount_steps {
	enum mount_kind kind;
	unsigned long flags;        /* first call */
	unsigned long remount;      /* 0: no remount */
	unsigned long propagation;  /* 0: leave as is */
};

/* cgroup mounts are skipped: the guest is the container, there is no host
 * hierarchy to show it. */
void mount_steps_from(const char *type, uint64_t flags, struct mount_steps *s);

#endif
