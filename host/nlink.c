/* See nlink.h. A netlink socket belongs to the namespace it was made in:
 * the calling thread enters the one asked for, makes it and comes back. */
#include "nlink.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "rtnl.h"

static int socket_in(int nsfd, struct vxn_err *err)
{
	int fd, e;

	if (nsfd < 0) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		return fd >= 0 ? fd : err_set(err, errno, "netlink socket");
	}
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return err_set(err, errno, "this thread's network namespace");
	if (setns(nsfd, CLONE_NEWNET)) {
		e = errno;
		close(self);
		return err_set(err, e, "entering a network namespace");
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	e = errno;
	if (setns(self, CLONE_NEWNET)) {
		/* never seen: everything after would run in the wrong namespace */
		log_error("net: cannot return to vxn's network namespace: %s", strerror(errno));
		abort();
	}
	close(self);
	return fd >= 0 ? fd : err_set(err, e, "netlink socket");
}

/* RTM_NEWLINK on an existing interface, found by name, with what set(q) adds. */
static int set_link(const char *name, int nsfd, const char *what,
		    int (*set)(struct rtnl_req *q, const void *arg), const void *arg,
		    struct vxn_err *err)
{
	struct rtnl_req q;
	size_t len = strnlen(name, IF_NAMESIZE);

	if (len == 0 || len == IF_NAMESIZE)
		return err_set(err, EINVAL, "interface name");
	rtnl_init(&q, RTM_NEWLINK, 0, sizeof q.u.i);
	q.u.i.ifi_family = AF_UNSPEC;
	if (rtnl_attr(&q, IFLA_IFNAME, name, len + 1) || set(&q, arg))
		return err_set(err, EMSGSIZE, "%s: %s: request too long", name, what);
	int fd = socket_in(nsfd, err);
	if (fd < 0)
		return -1;
	int r = rtnl_talk(fd, &q);
	close(fd);
	return r ? err_set(err, -r, "%s: %s", name, what) : 0;
}

static int set_netns(struct rtnl_req *q, const void *arg)
{
	uint32_t fd = (uint32_t)*(const int *)arg;

	return rtnl_attr(q, IFLA_NET_NS_FD, &fd, sizeof fd);
}

static int set_up(struct rtnl_req *q, const void *arg)
{
	uint32_t mtu = *(const unsigned *)arg;

	q->u.i.ifi_flags = IFF_UP;
	q->u.i.ifi_change = IFF_UP;
	return mtu ? rtnl_attr(q, IFLA_MTU, &mtu, sizeof mtu) : 0;
}

int nlink_move(const char *name, int from_nsfd, int to_nsfd, struct vxn_err *err)
{
	return set_link(name, from_nsfd, "moving into the container's namespace", set_netns,
			&to_nsfd, err);
}

int nlink_up(const char *name, unsigned mtu, int nsfd, struct vxn_err *err)
{
	return set_link(name, nsfd, "setting it up", set_up, &mtu, err);
}
