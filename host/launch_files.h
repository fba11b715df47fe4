/* The copy-ins of a container whose root disk is an image shared read-only
 * between containers (vdkr's, one per image): that image takes no copy, so
 * the engine's per-container files ride in the launch data instead, and
 * guest-init writes them into the container's writable overlay. */
#ifndef VXN_HOST_LAUNCH_FILES_H
#define VXN_HOST_LAUNCH_FILES_H

#include "error.h"
#include "plan.h"

/* Moves every copy-in of p into p->launch.files when they are regular files
 * that fit the launch (VXN_LAUNCH_FILES_LIST, VXN_LAUNCH_FILES_MAX): 0 when
 * moved (or none), 1 when they do not fit (p unchanged: the container needs
 * a root disk of its own), -1 on an error reading them. */
int launch_files_take(struct vxn_plan *p, struct vxn_err *err);

#endif
