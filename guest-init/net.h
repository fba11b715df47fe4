/* The container's network in the guest: lo, and eth0 as the host's NET
 * frame describes it (the veth the engine made: MAC, MTU, addresses, routes). */
#ifndef VXN_GUEST_NET_H
#define VXN_GUEST_NET_H

#include "error.h"
#include "relay.h"

/* Waits for the NET frame (the next one on stream 0, after any launch data). */
int net_receive(struct relay *r, struct vxn_net *net, struct vxn_err *err);
/* lo up; with a NIC, eth0 up with its MTU, addresses and routes. */
int net_configure(const struct vxn_net *net, struct vxn_err *err);
/* lo up alone: loopback works in every container, as under runc. */
int net_loopback_up(struct vxn_err *err);

#endif
