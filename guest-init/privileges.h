/* process.capabilities, noNewPrivileges and oomScoreAdj, applied by the
 * child between fork and execve in runc's order around the switch of user:
 *   privileges_before_user: oom_score_adj (lowering it takes privilege),
 *     the bounding set, and PR_SET_KEEPCAPS so that setuid keeps the
 *     permitted set;
 *   (the caller's setgroups, setgid, setuid)
 *   privileges_after_user: effective, permitted and inheritable (capset),
 *     the ambient set, then no_new_privs.
 * Each returns 0, or -1 with errno set and *what naming the step. */
#ifndef VXN_GUEST_PRIVILEGES_H
#define VXN_GUEST_PRIVILEGES_H

#include "vxn-proto.h"

int privileges_before_user(const struct vxn_launch *l, const char **what);
int privileges_after_user(const struct vxn_launch *l, const char **what);

#endif
