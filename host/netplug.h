/* Interfaces an engine puts into or takes out of a running container's
 * namespace (`docker network connect`/`disconnect`): vxn-monitor, which
 * lives in that namespace, sees them (netlink) and runs `vxn
 * monitor-net-sync`, which gives the guest a NIC for each new interface and
 * unplugs the NIC of each one gone. */
#ifndef VXN_NETPLUG_H
#define VXN_NETPLUG_H

#include <stdint.h>

#include "error.h"

/* In the container's namespace (the monitor's child): a NIC for every
 * Ethernet interface that is up, has an address and no NIC yet; the NIC of
 * every recorded interface that is gone unplugged. The NET_ADD payloads of
 * the NICs added go to STATE_DIR/net-added (monitor_handoff.h). */
int netplug_sync(uint32_t domid, const char *state_dir, struct vxn_err *err);
/* The same from anywhere: the namespace open at nsfd, where the vifs go
 * from dom0's first namespace at init_nsfd (-1: the caller's own). Create
 * calls it for the interfaces beside the first. */
int netplug_sync_ns(uint32_t domid, int nsfd, int init_nsfd, const char *state_dir,
		    struct vxn_err *err);

#endif
