/* The container's network in the guest: lo, and eth0 as the host's NET
 * frame describes it (the veth the engine made: MAC, MTU, addresses, routes). */
#ifndef VXN_GUEST_NET_H
#define VXN_GUEST_NET_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/vxn-proto.h"
#include "error.h"

struct relay;

/* NICs of NET_ADD frames whose device has not appeared yet: the relay tries
 * them again each round, never waiting for one (its stdio, execs and DNS go
 * on meanwhile). */
#define NET_PENDING_MAX 8u
struct net_pending {
	struct vxn_net net[NET_PENDING_MAX];
	uint64_t give_up_ms[NET_PENDING_MAX];
	unsigned n;
};

/* The resolv.conf the engine left after its hooks (VXN_F_RESOLV_CONF);
 * len 0: the copy in the root disk is current. */
struct net_resolv {
	uint8_t text[VXN_RESOLV_CONF_MAX];
	size_t len;
};

/* Waits for the NET frame (the next one on stream 0, after any launch data),
 * the NET_ADD frames of further NICs (queued in r's pending NICs) and the
 * RESOLV_CONF frame behind them. */
int net_receive(struct relay *r, struct vxn_net *net, struct net_resolv *rc,
		struct vxn_err *err);
/* lo up; with a NIC, the interface with its MAC (eth0, when it is the only
 * one) up with its MTU, addresses and routes: its name into name. */
int net_configure(const struct vxn_net *net, char name[IF_NAMESIZE], struct vxn_err *err);
/* A NET_ADD frame's NIC, hot-plugged while the container runs: the
 * interface with its MAC configured as eth0 is, now or, when netfront has
 * not made it yet, by net_pending_retry. -1: a malformed frame, a full
 * queue, or the configuration failed. */
int net_add(struct net_pending *q, const uint8_t *p, size_t len, struct vxn_err *err);
/* A NET_ADD frame's NIC queued only: the NICs create plugged beside the
 * first are configured after it (its default route first), by
 * net_pending_settle. -1: a malformed frame or a full queue. */
int net_queue(struct net_pending *q, const uint8_t *p, size_t len, struct vxn_err *err);
/* The kept ones whose device is there now are configured; those past their
 * time are given up, each said on the console. */
void net_pending_retry(struct net_pending *q);
/* Retried until each is configured or given up (NIC_WAIT_MS from now):
 * the NICs create plugged beside the first, before the process starts. */
void net_pending_settle(struct net_pending *q);
/* lo up alone: loopback works in every container, as under runc. */
int net_loopback_up(struct vxn_err *err);

#endif
