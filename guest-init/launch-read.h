/* Reading the launch data the host appended to the initramfs. */
#ifndef VXN_GUEST_LAUNCH_READ_H
#define VXN_GUEST_LAUNCH_READ_H

#include "error.h"
#include "vxn-proto.h"

/* Read and decode path into *l (free with vxn_launch_free). 0 or -1. */
int launch_read(const char *path, struct vxn_launch *l, struct vxn_err *err);

#endif
