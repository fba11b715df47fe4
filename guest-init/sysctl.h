/* linux.sysctl: written under /proc/sys before the container's process
 * starts. The guest's kernel is the container's, so each is its own. */
#ifndef VXN_GUEST_SYSCTL_H
#define VXN_GUEST_SYSCTL_H

#include "error.h"
#include "vxn-proto.h"

/* "net.ipv4.ip_forward=1" -> /proc/sys/net/ipv4/ip_forward (runc's rule:
 * every dot a slash); the launch decoder has refused keys with '/'. */
int sysctl_path(const char *entry, char *path, size_t cap, const char **value);
int apply_sysctls(const struct vxn_launch *l, struct vxn_err *err);

#endif
