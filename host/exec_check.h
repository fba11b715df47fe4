/* runc refuses at create time a process whose executable is not in the
 * rootfs; vxn does the same on the host, before any guest is built. */
#ifndef VXN_EXEC_CHECK_H
#define VXN_EXEC_CHECK_H

#include "vxn-proto.h"
#include "error.h"

/* Resolve l->args[0] inside rootfs the way the guest will: a name with a '/'
 * relative to l->cwd, a bare name through the PATH of l->env. Symlinks,
 * absolute ones included, resolve inside rootfs (openat2 RESOLVE_IN_ROOT).
 * 0 when it is an executable regular file; -1 with runc's messages otherwise. */
int exec_check(const char *rootfs, const struct vxn_launch *l, struct vxn_err *err);

#endif
