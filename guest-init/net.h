/* The container's network in the guest: lo, and eth0 as the host's NET
 * frame describes it (the veth the engine made: MAC, MTU, addresses, routes). */
#ifndef VXN_GUEST_NET_H
#define VXN_GUEST_NET_H

#include "error.h"
#include "relay.h"

/* The resolv.conf the engine left after its hooks (VXN_F_RESOLV_CONF);
 * len 0: the copy in the root disk is current. */
struct net_resolv {
	uint8_t text[VXN_RESOLV_CONF_MAX];
	size_t len;
};

/* Waits for the NET frame (the next one on stream 0, after any launch data)
 * and the RESOLV_CONF frame right behind it. */
int net_receive(struct relay *r, struct vxn_net *net, struct net_resolv *rc,
		struct vxn_err *err);
/* lo up; with a NIC, eth0 up with its MTU, addresses and routes. */
int net_configure(const struct vxn_net *net, struct vxn_err *err);
/* A NET_ADD frame's NIC, hot-plugged while the container runs: the
 * interface with its MAC (waited for a while) configured as eth0 is. */
int net_add(const uint8_t *p, size_t len, struct vxn_err *err);
/* lo up alone: loopback works in every container, as under runc. */
int net_loopback_up(struct vxn_err *err);

#endif
