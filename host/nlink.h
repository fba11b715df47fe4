/* A Xen vif moved into a container's network namespace and set up, by
 * rtnetlink from vxn itself: each `ip` it replaces was a fork and an exec
 * of a dynamically linked program, a large part of wiring a NIC under the
 * lab's emulation. */
#ifndef VXN_NLINK_H
#define VXN_NLINK_H

#include "error.h"

/* The interface name, in the namespace open at from_nsfd (-1: the
 * caller's), moved into the namespace open at to_nsfd. */
int nlink_move(const char *name, int from_nsfd, int to_nsfd, struct vxn_err *err);
/* The interface name, in the namespace open at nsfd, given this MTU and up. */
int nlink_up(const char *name, unsigned mtu, int nsfd, struct vxn_err *err);

#endif
