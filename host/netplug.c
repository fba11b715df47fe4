/* See netplug.h. The sync runs as the monitor's child, in the container's
 * namespace: its interfaces are read there (netinfo.c), and the new NIC's
 * vif is moved from dom0's first namespace (/proc/1/ns/net) to this one,
 * as create does from outside (netwire.c). */
#include "netplug.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "log.h"
#include "monitor_handoff.h"
#include "netnics.h"
#include "netwire.h"
#include "util.h"
#include "xen.h"

static int remove_nic(struct xen_ctx *x, uint32_t domid, int devid, const char *ifname)
{
	struct vxn_err err;

	if (xen_remove_nic(x, domid, devid, &err) == 0)
		return 0;
	log_warn("net: %s: %s", ifname, err.msg);
	return -1;
}

/* What a failed hot-plug left: its NIC (with its vif and the vif's filter)
 * and the veth's ingress qdisc, so that the next event tries afresh rather
 * than adding a NIC more each time. */
static void undo_plug(uint32_t domid, int nsfd, const struct netinfo *ni, int devid,
		      bool redirected)
{
	struct xen_ctx *x = NULL;
	struct vxn_err err;

	if (redirected)
		netwire_unredirect(nsfd, "the container's namespace", ni->ifname);
	if (devid < 0)
		return;
	if (xen_open(&x, &err)) {
		log_warn("net: %s: %s: its NIC %d stays until the container ends", ni->ifname,
			 err.msg, devid);
		return;
	}
	remove_nic(x, domid, devid, ni->ifname);
	xen_close(x);
}

static const struct netinfo_link *find_link(const struct netinfo *all, int ifindex)
{
	for (unsigned i = 0; i < all->nlinks && i < NETINFO_LINKS_MAX; i++)
		if (all->links[i].ifindex == ifindex)
			return &all->links[i];
	return NULL;
}

/* The NICs whose interface left the namespace are unplugged; the others
 * keep their record, under the interface's name of now. With more
 * interfaces than a listing holds, "not listed" is not "gone": nothing is
 * unplugged then. */
static size_t unplug_gone(uint32_t domid, const struct netinfo *all, struct netnic *nics,
			  size_t n)
{
	struct xen_ctx *x = NULL;
	struct vxn_err err;
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		const struct netinfo_link *l = find_link(all, nics[i].ifindex);
		if (l || all->nlinks > NETINFO_LINKS_MAX) {
			if (l && l->name[0])
				memcpy(nics[i].ifname, l->name, IF_NAMESIZE);
			nics[kept++] = nics[i];
			continue;
		}
		if (!x && xen_open(&x, &err)) {
			log_warn("net: %s left the namespace: %s", nics[i].ifname, err.msg);
			nics[kept++] = nics[i];
			continue;
		}
		if (remove_nic(x, domid, nics[i].devid, nics[i].ifname)) {
			nics[kept++] = nics[i];
		} else {
			log_info("net: %s left the namespace: the guest's NIC %d is unplugged",
				 nics[i].ifname, nics[i].devid);
		}
	}
	if (x)
		xen_close(x);
	return kept;
}

static bool has_nic_for(const struct netnic *nics, size_t n, int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (nics[i].ifindex == ifindex)
			return true;
	return false;
}

/* The NET_ADD frames for the monitor to send, as they go on the channel. */
struct added {
	uint8_t buf[MONITOR_NET_ADDED_MAX * (VXN_FRAME_HDR_BYTES + VXN_NET_MAX_BYTES)];
	size_t len;
};

/* A NIC for one interface that is up: 1 when added, 0 when it is not ready
 * (no address yet: a later event tries again), -1 on error. */
static int plug_one(uint32_t domid, int nsfd, int init_nsfd, const char *dir,
		    const struct netinfo_link *l, struct netnic *nic, struct added *a,
		    struct vxn_err *err)
{
	struct netinfo ni;
	int devid = -1;
	bool redirected = false;

	if (netinfo_read_link(nsfd, l->ifindex, &ni, err))
		return -1;
	if (!ni.net.has_nic || ni.net.naddrs == 0)
		return 0;
	uint8_t net[VXN_NET_MAX_BYTES];
	size_t len = vxn_net_encode(&ni.net, net, sizeof net);
	if (len == 0)
		return err_set(err, EINVAL, "the network of %s cannot be given to a guest (MAC, MTU)",
			       ni.ifname);
	if (netwire_nic(domid, nsfd, init_nsfd, dir, &ni, &devid, &redirected, err)) {
		undo_plug(domid, nsfd, &ni, devid, redirected);
		return -1;
	}
	a->len += vxn_frame_put(a->buf + a->len, sizeof a->buf - a->len, VXN_F_NET_ADD, 0, net,
				(uint32_t)len);
	*nic = (struct netnic){ .devid = devid, .ifindex = ni.ifindex };
	memcpy(nic->ifname, ni.ifname, IF_NAMESIZE);
	log_info("net: %s joined the namespace: the guest's NIC %d (%u addresses, %u routes)",
		 ni.ifname, devid, ni.net.naddrs, ni.net.nroutes);
	return 1;
}

static int plug_new(uint32_t domid, int nsfd, int init_nsfd, const char *dir,
		    const struct netinfo *all, struct netnic *nics, size_t *n, struct added *a,
		    struct vxn_err *err)
{
	int r = 0;

	for (unsigned i = 0; i < all->nlinks && i < NETINFO_LINKS_MAX && r == 0; i++) {
		const struct netinfo_link *l = &all->links[i];
		if (!l->up || !l->name[0] || has_nic_for(nics, *n, l->ifindex))
			continue;
		if (*n >= NETNICS_MAX ||
		    a->len + VXN_FRAME_HDR_BYTES + VXN_NET_MAX_BYTES > sizeof a->buf) {
			r = err_set(err, E2BIG, "%s: the guest has %zu NICs already", l->name, *n);
			break;
		}
		int k = plug_one(domid, nsfd, init_nsfd, dir, l, &nics[*n], a, err);
		if (k < 0)
			r = -1;
		else
			*n += (size_t)k;
	}
	return r;
}

int netplug_sync_ns(uint32_t domid, int nsfd, int init_nsfd, const char *dir,
		    struct vxn_err *err)
{
	struct netnic nics[NETNICS_MAX];
	static struct added a;
	struct netinfo all;
	size_t n = netnics_read(dir, nics, NETNICS_MAX);

	a.len = 0;
	/* a file no monitor took (it died) must not be sent by the next one */
	char stale[PATH_MAX];
	if ((size_t)snprintf(stale, sizeof stale, "%s/%s", dir, MONITOR_NET_ADDED) < sizeof stale)
		unlink(stale);
	if (netinfo_read(nsfd, &all, err))
		return -1;
	n = unplug_gone(domid, &all, nics, n);
	int r = plug_new(domid, nsfd, init_nsfd, dir, &all, nics, &n, &a, err);
	/* what was done is recorded even when the last one failed */
	struct vxn_err werr;
	if (netnics_write(dir, nics, n, &werr) && r == 0) {
		*err = werr;
		r = -1;
	}
	int e = a.len ? file_replace_at(dir, MONITOR_NET_ADDED, a.buf, a.len) : 0;
	if (e && r == 0)
		r = err_set(err, -e, "%s/" MONITOR_NET_ADDED, dir);
	return r;
}

int netplug_sync(uint32_t domid, const char *dir, struct vxn_err *err)
{
	int nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return err_set(err, errno, "the container's network namespace");
	int init_nsfd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	if (init_nsfd < 0) {
		close(nsfd);
		return err_set(err, errno, "dom0's first network namespace");
	}
	int r = netplug_sync_ns(domid, nsfd, init_nsfd, dir, err);
	close(init_nsfd);
	close(nsfd);
	return r;
}
