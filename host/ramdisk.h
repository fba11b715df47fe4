/* The launch ramdisk: the base initramfs with the container's launch data
 * appended as a second cpio archive (the kernel unpacks both). */
#ifndef VXN_RAMDISK_H
#define VXN_RAMDISK_H

#include "vxn-proto.h"
#include "error.h"

/* Write out (created exclusively, 0600) = base + padding + newc cpio holding
 * /vxn and VXN_LAUNCH_PATH. On failure out is removed. */
int ramdisk_build(const char *base, const struct vxn_launch *l, const char *out,
		  struct vxn_err *err);

#endif
