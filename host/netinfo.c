/* Netlink dumps of links, addresses and routes, in a child that has joined
 * the container's network namespace; the result goes back through a pipe
 * as one fixed-size record (the child is ours, its source is the engine's
 * configuration: still bounded and checked on the way in). */
#include "netinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define NL_BUF 32768

typedef void (*nl_each)(struct nlmsghdr *h, struct netinfo *ni);

/* One dump request; every reply message goes to each(). */
static int nl_dump(int fd, uint16_t type, uint8_t family, nl_each each, struct netinfo *ni)
{
	struct { struct nlmsghdr h; struct rtgenmsg g; } req = {
		.h = { .nlmsg_len = sizeof req, .nlmsg_type = type,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = type },
		.g = { .rtgen_family = family },
	};
	static char buf[NL_BUF];

	if (send(fd, &req, sizeof req, 0) != (ssize_t)sizeof req)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			return -1;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			each(h, ni);
		}
	}
}

/* Netback names a guest's NIC vif<domid>.<devid>; vxn moves it into the
 * namespace of its container (netwire.c), so one found here means the
 * namespace is another vxn container's (Docker's --network=container:X). */
static bool note_guest_vif(struct ifinfomsg *ifi, int len, struct netinfo *ni)
{
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		char name[IF_NAMESIZE] = "";
		unsigned dom, dev;
		char end;
		size_t alen = RTA_PAYLOAD(a);
		if (a->rta_type != IFLA_IFNAME || alen > IF_NAMESIZE)
			continue;
		memcpy(name, RTA_DATA(a), alen);
		name[IF_NAMESIZE - 1] = '\0';
		if (sscanf(name, "vif%u.%u%c", &dom, &dev, &end) == 2) {
			memcpy(ni->guest_vif, name, sizeof name);
			return true;
		}
	}
	return false;
}

static void list_link(struct ifinfomsg *ifi, int len, struct netinfo *ni)
{
	struct netinfo_link *l = &ni->links[ni->nlinks];

	l->ifindex = ifi->ifi_index;
	l->up = (ifi->ifi_flags & IFF_UP) != 0;
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME && RTA_PAYLOAD(a) <= IF_NAMESIZE)
			memcpy(l->name, RTA_DATA(a), RTA_PAYLOAD(a));
	l->name[IF_NAMESIZE - 1] = '\0';
}

static void on_link(struct nlmsghdr *h, struct netinfo *ni)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)IFLA_PAYLOAD(h);

	/* Ethernet only: a new namespace also holds the fallback devices of
	 * loaded tunnel modules (sit0, tunl0, gre0...), which are not the
	 * engine's */
	if (h->nlmsg_type != RTM_NEWLINK || (ifi->ifi_flags & IFF_LOOPBACK) ||
	    ifi->ifi_type != ARPHRD_ETHER || note_guest_vif(ifi, len, ni))
		return;
	if (ni->nlinks < NETINFO_LINKS_MAX)
		list_link(ifi, len, ni);
	ni->nlinks++;
	/* the one described: the asked one, else the first */
	if (ni->ifindex ? ifi->ifi_index != ni->ifindex : ni->nlinks > 1)
		return;
	ni->ifindex = ifi->ifi_index;
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t alen = RTA_PAYLOAD(a);
		if (a->rta_type == IFLA_IFNAME && alen <= IF_NAMESIZE)
			memcpy(ni->ifname, RTA_DATA(a), alen);
		else if (a->rta_type == IFLA_ADDRESS && alen == 6)
			memcpy(ni->net.mac, RTA_DATA(a), 6);
		else if (a->rta_type == IFLA_MTU && alen == 4)
			memcpy(&ni->net.mtu, RTA_DATA(a), 4);
	}
	ni->ifname[IF_NAMESIZE - 1] = '\0';
}

static uint8_t family_of(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 6 : 0;
}

static void on_addr(struct nlmsghdr *h, struct netinfo *ni)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);
	uint8_t fam = family_of(ifa->ifa_family);
	struct vxn_net_addr ad = { .family = fam, .prefix = ifa->ifa_prefixlen };
	size_t want = vxn_net_addr_len(fam);
	bool found = false;

	/* link-local IPv6: the guest derives the same one from the same MAC */
	if (h->nlmsg_type != RTM_NEWADDR || !fam || (int)ifa->ifa_index != ni->ifindex ||
	    ifa->ifa_scope == RT_SCOPE_LINK || ni->net.naddrs >= VXN_NET_MAX_ADDRS)
		return;
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		/* IPv4: IFA_LOCAL is the address (IFA_ADDRESS the peer's) */
		bool take = fam == 4 ? a->rta_type == IFA_LOCAL
				     : a->rta_type == IFA_ADDRESS && !found;
		if (take && RTA_PAYLOAD(a) == want) {
			memcpy(ad.addr, RTA_DATA(a), want);
			found = true;
		}
	}
	if (found)
		ni->net.addrs[ni->net.naddrs++] = ad;
}

/* Main-table unicast routes through the veth that the engine set up (the
 * kernel's own prefix routes the guest's kernel makes itself). */
static void on_route(struct nlmsghdr *h, struct netinfo *ni)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	uint8_t fam = family_of(rt->rtm_family);
	struct vxn_net_route r = { .family = fam, .dst_len = rt->rtm_dst_len };
	size_t want = vxn_net_addr_len(fam);
	int oif = 0;

	if (h->nlmsg_type != RTM_NEWROUTE || !fam || rt->rtm_table != RT_TABLE_MAIN ||
	    rt->rtm_type != RTN_UNICAST || rt->rtm_protocol == RTPROT_KERNEL ||
	    ni->net.nroutes >= VXN_NET_MAX_ROUTES)
		return;
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == 4)
			memcpy(&oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == want)
			memcpy(r.dst, RTA_DATA(a), want);
		else if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == want) {
			memcpy(r.gateway, RTA_DATA(a), want);
			r.has_gateway = true;
		}
	}
	if (oif == ni->ifindex)
		ni->net.routes[ni->net.nroutes++] = r;
}

static _Noreturn void child(int netns_fd, int ifindex, int out)
{
	struct netinfo ni;
	int fd;

	memset(&ni, 0, sizeof ni);
	ni.ifindex = ifindex;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setns(netns_fd, CLONE_NEWNET))
		_exit(2);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || nl_dump(fd, RTM_GETLINK, AF_UNSPEC, on_link, &ni))
		_exit(3);
	if (ni.nlinks > 0 && (nl_dump(fd, RTM_GETADDR, AF_UNSPEC, on_addr, &ni) ||
			      nl_dump(fd, RTM_GETROUTE, AF_INET, on_route, &ni) ||
			      nl_dump(fd, RTM_GETROUTE, AF_INET6, on_route, &ni)))
		_exit(4);
	/* the asked interface must be there; alone, the one must be alone */
	ni.net.has_nic = ifindex ? ni.ifname[0] != '\0' : ni.nlinks == 1;
	_exit(write(out, &ni, sizeof ni) == (ssize_t)sizeof ni ? 0 : 5);
}

static bool ifname_ok(const char *s)
{
	size_t n = strnlen(s, IF_NAMESIZE);

	if (n == 0 || n == IF_NAMESIZE)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && !strchr("_.-@", s[i]))
			return false;
	return true;
}

static int read_ns(int netns_fd, int ifindex, struct netinfo *ni, struct vxn_err *err)
{
	int p[2], status = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	pid_t pid = fork();
	if (pid == 0)
		child(netns_fd, ifindex, p[1]);
	close(p[1]);
	while ((n = read(p[0], ni, sizeof *ni)) < 0 && errno == EINTR)
		;
	close(p[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || n != (ssize_t)sizeof *ni || !WIFEXITED(status) || WEXITSTATUS(status))
		return err_set(err, 0, "cannot read the container's network namespace "
			       "(netlink, status 0x%x)", (unsigned)status);
	if (ni->net.has_nic && !ifname_ok(ni->ifname))
		return err_set(err, 0, "the container's interface has an unusable name");
	for (unsigned i = 0; i < ni->nlinks && i < NETINFO_LINKS_MAX; i++)
		if (!ifname_ok(ni->links[i].name))
			ni->links[i].name[0] = '\0';  /* never wired */
	if (ni->net.has_nic && ni->net.mtu == 0)
		ni->net.mtu = 1500;
	return 0;
}

int netinfo_read(int netns_fd, struct netinfo *ni, struct vxn_err *err)
{
	return read_ns(netns_fd, 0, ni, err);
}

int netinfo_read_link(int netns_fd, int ifindex, struct netinfo *ni, struct vxn_err *err)
{
	return ifindex > 0 ? read_ns(netns_fd, ifindex, ni, err)
			   : err_set(err, EINVAL, "interface index %d", ifindex);
}
