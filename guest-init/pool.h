/* Warm pool mode (host/pool.h): a guest booted with no launch data in its
 * initramfs waits for a monitor to take it, then receives the launch data
 * over the channel instead of reading it from the initramfs. */
#ifndef VXN_GUEST_POOL_H
#define VXN_GUEST_POOL_H

#include <stdbool.h>

#include "error.h"
#include "relay.h"

/* No launch data at VXN_LAUNCH_PATH: this guest was booted for the pool. */
bool pool_mode(void);
/* Say so in xenstore (VXN_XS_POOL_READY) and wait, for as long as it takes,
 * until a monitor has taken us: published the channel, queued the launch
 * data and hot-plugged the root disk. */
int pool_wait_for_monitor(struct vxn_err *err);
/* After connecting: the LAUNCH frames up to LAUNCH_END, decoded into *l.
 * Any other frame before them is a protocol error. */
int pool_receive_launch(struct relay *r, struct vxn_launch *l, struct vxn_err *err);

#endif
