/* eth0 and lo, configured from the host's NET frame with ioctls (flags,
 * MTU) and rtnetlink (addresses, routes): no ip binary in the guest.
 * IPv4 and IPv6 alike; IPv6's link-local address the guest's kernel makes
 * itself from the MAC, the same the veth has. */
#include "net.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"
#include "rtnl.h"
#include "relay.h"

#define NET_WAIT_MS 10000     /* the monitor queued it before we ran */
#define NIC_WAIT_MS 10000     /* netfront probes while the kernel boots */
#define ADDED_NIC_WAIT_MS 5000  /* a hot-plugged one: its backend is up already */

/* The next frame, of this type: 1 with *h and *p, 0 for more, -1 on
 * anything else first. */
static int take_frame(struct byteq *in, uint8_t type, struct vxn_frame_hdr *h,
		      const uint8_t **p, struct vxn_err *err)
{
	int k = frame_peek(in, h, p);

	if (k < 0)
		return err_set(err, EPROTO, "bad frame from the host");
	if (k == 0)
		return 0;
	if (h->stream != 0 || h->type != type)
		return err_set(err, EPROTO, "frame type %u before the network", h->type);
	return 1;
}

/* The NET_ADD frames of the namespace's further interfaces, queued only
 * (configured after the first NIC, net_pending_settle): 0, or -1 on a bad
 * frame. */
static int take_added(struct byteq *in, struct net_pending *q, struct vxn_err *err)
{
	struct vxn_frame_hdr h;
	const uint8_t *p;
	int k;

	while ((k = frame_peek(in, &h, &p)) == 1 && h.stream == 0 && h.type == VXN_F_NET_ADD) {
		struct vxn_err e;
		if (net_queue(q, p, h.len, &e))
			console_say("a network interface from the host: %s", e.msg);
		byteq_drop(in, VXN_FRAME_HDR_BYTES + h.len);
	}
	return k < 0 ? err_set(err, EPROTO, "bad frame from the host") : 0;
}

/* NET, any NET_ADD, then RESOLV_CONF: 1 once all are in, 0 for more, -1 on
 * error. */
static int take_net_frames(struct byteq *in, struct vxn_net *net, bool *have_net,
			   struct net_pending *q, struct net_resolv *rc, struct vxn_err *err)
{
	struct vxn_frame_hdr h;
	const uint8_t *p;
	int k;

	if (!*have_net) {
		if ((k = take_frame(in, VXN_F_NET, &h, &p, err)) <= 0)
			return k;
		if (vxn_net_decode(p, h.len, net))
			return err_set(err, EPROTO, "network description from the host");
		byteq_drop(in, VXN_FRAME_HDR_BYTES + h.len);
		*have_net = true;
	}
	if (take_added(in, q, err))
		return -1;
	if ((k = take_frame(in, VXN_F_RESOLV_CONF, &h, &p, err)) <= 0)
		return k;
	memcpy(rc->text, p, h.len);  /* the header held it to VXN_RESOLV_CONF_MAX */
	rc->len = h.len;
	byteq_drop(in, VXN_FRAME_HDR_BYTES + h.len);
	return 1;
}

int net_receive(struct relay *r, struct vxn_net *net, struct net_resolv *rc,
		struct vxn_err *err)
{
	uint64_t deadline = uptime_ms() + NET_WAIT_MS;
	bool have_net = false;

	for (;;) {
		if (channel_recv(r->ch, &r->in) < 0)
			return err_set(err, 0, "host channel closed before the network");
		int k = take_net_frames(&r->in, net, &have_net, &r->nets, rc, err);
		if (k)
			return k < 0 ? -1 : 0;
		uint64_t now = uptime_ms();
		if (now >= deadline)
			return err_set(err, ETIMEDOUT, "waiting for the network description");
		struct pollfd pfd = { channel_fd(r->ch), POLLIN, 0 };
		if (poll(&pfd, 1, (int)(deadline - now)) > 0)
			channel_event(r->ch);
	}
}

static int link_set(int fd, const char *name, unsigned mtu, struct vxn_err *err)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(fd, SIOCSIFMTU, &ifr))
			return err_set(err, errno, "%s: mtu %u", name, mtu);
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		return err_set(err, errno, "%s", name);
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr) ? err_set(err, errno, "%s: up", name) : 0;
}

int net_loopback_up(struct vxn_err *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return err_set(err, errno, "socket");
	int r = link_set(fd, "lo", 0, err);
	close(fd);
	return r;
}

static unsigned char af_of(uint8_t family)
{
	return family == 6 ? AF_INET6 : AF_INET;
}

/* IPv6 addresses without duplicate address detection, as Docker's
 * libnetwork adds them: the engine gave the address to this container
 * alone, and a tentative address cannot be used for a second or more. */
static int add_address(int fd, int ifindex, const struct vxn_net_addr *a)
{
	struct rtnl_req q;
	size_t n = vxn_net_addr_len(a->family);

	rtnl_init(&q, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof q.u.a);

	q.u.a = (struct ifaddrmsg){ .ifa_family = af_of(a->family), .ifa_prefixlen = a->prefix,
				    .ifa_flags = a->family == 6 ? IFA_F_NODAD : 0,
				    .ifa_index = (unsigned)ifindex };
	if ((a->family == 4 && rtnl_attr(&q, IFA_LOCAL, a->addr, n)) ||
	    rtnl_attr(&q, IFA_ADDRESS, a->addr, n))
		return -EMSGSIZE;
	return rtnl_talk(fd, &q);
}

static int add_route(int fd, int ifindex, const struct vxn_net_route *r)
{
	struct rtnl_req q;
	uint32_t oif = (uint32_t)ifindex;
	size_t n = vxn_net_addr_len(r->family);
	/* IPv6 routes have no scope of their own */
	bool link = r->family == 4 && !r->has_gateway;

	rtnl_init(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof q.u.r);
	q.u.r = (struct rtmsg){ .rtm_family = af_of(r->family), .rtm_dst_len = r->dst_len,
				.rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
				.rtm_scope = link ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE,
				.rtm_type = RTN_UNICAST };
	if ((r->dst_len && rtnl_attr(&q, RTA_DST, r->dst, n)) ||
	    (r->has_gateway && rtnl_attr(&q, RTA_GATEWAY, r->gateway, n)) ||
	    rtnl_attr(&q, RTA_OIF, &oif, sizeof oif))
		return -EMSGSIZE;
	return rtnl_talk(fd, &q);
}

/* Addresses first: a gateway must be on a link the kernel knows. Routes to
 * the link itself before the ones through a gateway. */
static int add_all(const char *ifname, int ifindex, const struct vxn_net *net,
		   struct vxn_err *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), e = 0;

	if (fd < 0)
		return err_set(err, errno, "netlink");
	for (uint32_t i = 0; i < net->naddrs && !e; i++)
		if ((e = add_address(fd, ifindex, &net->addrs[i])))
			err_set(err, -e, "%s: address %u", ifname, i);
	for (int pass = 0; pass < 2 && !e; pass++)
		for (uint32_t i = 0; i < net->nroutes && !e; i++) {
			const struct vxn_net_route *r = &net->routes[i];
			if (r->has_gateway != (pass == 1))
				continue;
			e = add_route(fd, ifindex, r);
			if (e == -EEXIST)
				e = 0;
			else if (e)
				err_set(err, -e, "%s: route %u", ifname, i);
		}
	close(fd);
	return e ? -1 : 0;
}

/* The interface up with the MTU, addresses and routes of net. */
static int configure_if(const char *name, const struct vxn_net *net, struct vxn_err *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return err_set(err, errno, "socket");
	int r = link_set(fd, name, net->mtu, err);
	close(fd);
	unsigned ifindex = if_nametoindex(name);
	if (r || !ifindex)
		return r ? -1 : err_set(err, errno, "%s", name);
	return add_all(name, (int)ifindex, net, err);
}

/* The interface whose MAC is mac, into name: netfront takes the MAC the
 * host gave the NIC, the veth's. */
static bool find_by_mac(const uint8_t mac[6], char name[IF_NAMESIZE])
{
	struct if_nameindex *all = if_nameindex(), *i;
	bool found = false;

	if (!all)
		return false;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (i = all; fd >= 0 && i->if_index && !found; i++) {
		struct ifreq ifr;
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
		    memcmp(ifr.ifr_hwaddr.sa_data, mac, 6) == 0) {
			snprintf(name, IF_NAMESIZE, "%s", i->if_name);
			found = true;
		}
	}
	if (fd >= 0)
		close(fd);
	if_freenameindex(all);
	return found;
}

int net_configure(const struct vxn_net *net, char name[IF_NAMESIZE], struct vxn_err *err)
{
	snprintf(name, IF_NAMESIZE, "lo");
	if (net_loopback_up(err))
		return -1;
	if (!net->has_nic)
		return 0;
	/* by its MAC, not as eth0: with more NICs than one at boot, netfront
	 * names them in the order it probes them */
	for (uint64_t end = uptime_ms() + NIC_WAIT_MS; !find_by_mac(net->mac, name);) {
		if (uptime_ms() >= end)
			return err_set(err, ENODEV, "no network device with the container's MAC "
				       "appeared");
		usleep(10 * 1000);
	}
	return configure_if(name, net, err);
}

static int queue_nic(struct net_pending *q, const struct vxn_net *net, struct vxn_err *err)
{
	if (q->n >= NET_PENDING_MAX)
		return err_set(err, ENOSPC, "%u network devices awaited already", q->n);
	q->net[q->n] = *net;
	q->give_up_ms[q->n++] = uptime_ms() + ADDED_NIC_WAIT_MS;
	return 0;
}

int net_add(struct net_pending *q, const uint8_t *p, size_t len, struct vxn_err *err)
{
	struct vxn_net net;
	char name[IF_NAMESIZE];

	if (vxn_net_decode(p, len, &net) || !net.has_nic)
		return err_set(err, EPROTO, "a malformed NET_ADD frame");
	if (find_by_mac(net.mac, name))
		return configure_if(name, &net, err);
	return queue_nic(q, &net, err);
}

int net_queue(struct net_pending *q, const uint8_t *p, size_t len, struct vxn_err *err)
{
	struct vxn_net net;

	if (vxn_net_decode(p, len, &net) || !net.has_nic)
		return err_set(err, EPROTO, "a malformed NET_ADD frame");
	return queue_nic(q, &net, err);
}

void net_pending_retry(struct net_pending *q)
{
	uint64_t now = uptime_ms();
	unsigned kept = 0;

	for (unsigned i = 0; i < q->n; i++) {
		char name[IF_NAMESIZE];
		struct vxn_err err;
		if (find_by_mac(q->net[i].mac, name)) {
			if (configure_if(name, &q->net[i], &err))
				console_say("a network interface from the host: %s", err.msg);
		} else if (now >= q->give_up_ms[i]) {
			console_say("a network interface from the host: its device did not appear");
		} else {
			q->net[kept] = q->net[i];
			q->give_up_ms[kept++] = q->give_up_ms[i];
		}
	}
	q->n = kept;
}

void net_pending_settle(struct net_pending *q)
{
	/* their devices probe as the first one's did: as long to wait, from now */
	for (unsigned i = 0; i < q->n; i++)
		q->give_up_ms[i] = uptime_ms() + NIC_WAIT_MS;
	while (q->n) {
		net_pending_retry(q);
		if (q->n)
			usleep(10 * 1000);
	}
}
