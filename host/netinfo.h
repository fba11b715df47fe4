/* The network an engine made in a container's namespace, read with netlink
 * from inside it: the one Ethernet interface (the veth), its MAC, MTU,
 * addresses and routes. */
#ifndef VXN_NETINFO_H
#define VXN_NETINFO_H

#include <net/if.h>

#include "../proto/vxn-proto.h"
#include "error.h"

struct netinfo {
	unsigned nlinks;         /* Ethernet interfaces (lo and tunnels do not count) */
	char ifname[IF_NAMESIZE];  /* the first of them */
	int ifindex;
	char guest_vif[IF_NAMESIZE];  /* a vxn guest's vifD.N found there: the
				       * namespace is another container's */
	struct vxn_net net;      /* has_nic when nlinks == 1 */
};

/* In a child that joins the namespace open at netns_fd. Fails when the
 * namespace cannot be read; nlinks > 1 is the caller's to refuse. */
int netinfo_read(int netns_fd, struct netinfo *ni, struct vxn_err *err);

#endif
