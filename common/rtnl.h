/* One rtnetlink request and its acknowledgement: what guest-init (the
 * guest's addresses and routes) and vxn (a vif moved into the container's
 * namespace and set up) both send, without an ip binary. */
#ifndef VXN_RTNL_H
#define VXN_RTNL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>

struct rtnl_req {
	struct nlmsghdr h;
	union {
		struct ifinfomsg i;
		struct ifaddrmsg a;
		struct rtmsg r;
	} u;
	char attrs[64];
};

/* A request of this type for a header of hdr_len bytes (the union's member). */
void rtnl_init(struct rtnl_req *q, uint16_t type, uint16_t flags, size_t hdr_len);
/* One attribute appended: 0, or -1 when it does not fit (nothing added). */
int rtnl_attr(struct rtnl_req *q, uint16_t type, const void *data, size_t len);
/* Sends the request (NLM_F_ACK set) and reads its ack: 0 or -errno. */
int rtnl_talk(int fd, struct rtnl_req *q);

#endif
