/* Everything guest-init mounts: its own /proc /sys /dev, the stock-kernel
 * modules, the container's root disk and the launch's mounts inside it. */
#ifndef VXN_GUEST_MOUNTS_H
#define VXN_GUEST_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "vxn-proto.h"

/* Where the container's root ends up before the process chroots into it. */
#define GUEST_ROOT "/mnt/root"

int mount_early(struct vxn_err *err);
/* Stock-kernel fallback: load /vxn/modules/<name> for each line of
 * /vxn/modules.load, in order. Nothing to do when the list is absent. */
int modules_load(struct vxn_err *err);
/* Wait up to timeout_ms for a device node to appear. */
int device_wait(const char *path, int timeout_ms, struct vxn_err *err);
/* The root is the host's rootfs over 9pfs (VXN_ROOT_SHARED): no disk. */
bool root_is_shared(const struct vxn_launch *l);
/* Mount VXN_ROOT_DEVICE, or the root share, at GUEST_ROOT as the launch says. */
int mount_root(const struct vxn_launch *l, struct vxn_err *err);
/* Mount each of the launch's volume shares (9p over Xen) at
 * VXN_SHARE_DIR/<tag>, outside the container's root; the launch's mounts of
 * type VXN_SHARE_TYPE bind from there. */
int mount_shares(const struct vxn_launch *l, struct vxn_err *err);
/* Write the launch's files into the root, apply the launch's mounts under
 * GUEST_ROOT in their order, then make the
 * device nodes every container expects (/dev/null & co), as runc does. */
int mount_container(const struct vxn_launch *l, struct vxn_err *err);
/* In the container's process, PID 1 of its new namespace, before it enters
 * the root: its own /proc (mount_by_process), stacked on guest-init's. */
int mount_process_entries(const struct vxn_launch *l, struct vxn_err *err);
/* In the container's own process, once its mounts are made: runc's
 * readonlyPaths (bound read-only on themselves), then maskedPaths (a file
 * hidden under /dev/null, a directory under an empty read-only tmpfs).
 * A path that does not exist is skipped, as runc does. */
int protect_paths(const struct vxn_launch *l, struct vxn_err *err);

#endif
