/* The network an engine made in a container's namespace, read with netlink
 * from inside it: the one Ethernet interface (the veth), its MAC, MTU,
 * addresses and routes. */
#ifndef VXN_NETINFO_H
#define VXN_NETINFO_H

#include <net/if.h>
#include <stdbool.h>

#include "../proto/vxn-proto.h"
#include "error.h"

#define NETINFO_LINKS_MAX 8u

/* An Ethernet interface of the namespace that is not a guest's vif. */
struct netinfo_link {
	char name[IF_NAMESIZE];
	int ifindex;
	bool up;
};

struct netinfo {
	unsigned nlinks;         /* Ethernet interfaces (lo, tunnels and vxn's vifs
				  * do not count) */
	struct netinfo_link links[NETINFO_LINKS_MAX];  /* the first of them */
	char ifname[IF_NAMESIZE];  /* the one described: the first, or the asked one */
	int ifindex;
	char guest_vif[IF_NAMESIZE];  /* a vxn guest's vifD.N found there: the
				       * namespace is another container's */
	struct vxn_net net;      /* has_nic: netinfo_read, when nlinks == 1;
				  * netinfo_read_link, when the asked one is there */
};

/* In a child that joins the namespace open at netns_fd. Fails when the
 * namespace cannot be read; nlinks > 1 is the caller's to refuse. */
int netinfo_read(int netns_fd, struct netinfo *ni, struct vxn_err *err);
/* The same, describing the interface with this index (one of ni->links):
 * has_nic when it is there. */
int netinfo_read_link(int netns_fd, int ifindex, struct netinfo *ni, struct vxn_err *err);

#endif
