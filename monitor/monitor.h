/* vxn-monitor: the per-container monitor, the process left behind by create,
 * whose pid is in --pid-file and whose wait status is the container's. It
 * owns the loop device, the channel and the control socket, and watches the
 * domain. It begins as create's forked child (host/monitor_start.c) and goes
 * on as this program, exec'd in the same process. */
#ifndef VXN_MONITOR_H
#define VXN_MONITOR_H

#include <stdint.h>

struct monitor_handoff;
/* vxn-monitor's body, after the exec: never returns. launch is a pool
 * guest's launch data (malloc'd, taken over) or NULL. */
_Noreturn void monitor_main(const struct monitor_handoff *h, uint8_t *launch);

#endif
