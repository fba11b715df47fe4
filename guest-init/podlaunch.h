/* What a pod's other container may ask for (CTR_START), checked before
 * anything is started: pure, unit-tested. */
#ifndef VXN_GUEST_PODLAUNCH_H
#define VXN_GUEST_PODLAUNCH_H

#include <stddef.h>

#include "vxn-proto.h"

/* 0 when l's mounts[0] is its root (destination "/", type VXN_SHARE_TYPE,
 * source VXN_POD_SHARE_TAG "/<entry>") and every other VXN_SHARE_TYPE
 * mount is an entry of the pod's share too; root gets the root's path
 * under VXN_SHARE_DIR. -1 with *why otherwise. */
int podlaunch_check(const struct vxn_launch *l, char *root, size_t cap, const char **why);
/* Whether the guest's own launch (its sandbox's) lists the pod's share:
 * the guest is a pod's. */
bool podlaunch_is_pod(const struct vxn_launch *guest);

#endif
