/* The answer to a STATS_REQUEST: the guest kernel's own view of its memory
 * (after the balloon driver), processes and online CPUs. */
#ifndef VXN_GUEST_STATS_H
#define VXN_GUEST_STATS_H

#include "vxn-proto.h"

/* 0, or -1 when /proc cannot be read (s is then zeroed). The values are
 * clamped into the ranges vxn_guest_stats_decode accepts. */
int guest_stats_read(struct vxn_guest_stats *s);

#endif
