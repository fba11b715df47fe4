/* The container's root disk image, built on the host from plan->rootfs. */
#ifndef VXN_ROOTDISK_H
#define VXN_ROOTDISK_H

#include <stdint.h>

#include "error.h"
#include "plan.h"

/* Write plan->disk_image (ext4 or erofs, as plan->disk_format says) from
 * plan->rootfs, then copy plan->copy_in into it. The image is created
 * exclusively; on failure it is removed. */
int rootdisk_build(const struct vxn_plan *p, struct vxn_err *err);

/* Bytes the ext4 image gets for a tree of used bytes / files (exposed for tests). */
uint64_t rootdisk_ext4_size(uint64_t used, uint64_t files);

#endif
