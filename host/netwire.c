/* The guest's NIC wired into the container's network namespace.
 *
 * The engine's veth sits in the namespace of vxn's monitor. Netback's vif
 * is born in dom0's initial namespace; act_mirred only redirects within one
 * namespace, so the vif moves next to the veth, and an ingress qdisc with a
 * match-all u32 filter on each redirects every frame to the other's egress
 * (kata-containers' setupTCFiltering). The guest's eth0 carries the veth's
 * MAC, so the engine's bridge, ARP and published ports see the guest as the
 * container. The vif is moved and set up by rtnetlink (nlink.c); tc runs
 * by execve with an argument vector and a batch file whose only names are
 * vif<domid>.<devid> and the veth's name, checked by netinfo.c. */
#include "netwire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor_handoff.h"
#include "netinfo.h"
#include "netnics.h"
#include "netplug.h"
#include "nlink.h"
#include "phase.h"
#include "spawn.h"
#include "util.h"
#include "xen.h"

#define VIF_WAIT_MS 20000
#define TC_BATCH "tc.batch"
#define NET_LINK "net-link"   /* "NETNS_PATH\nVETH\n": what netwire_release undoes */

/* Netback may say InitWait before it registers the netdev. */
static int vif_wait(const char *vif, struct vxn_err *err)
{
	char path[64];

	snprintf(path, sizeof path, "/sys/class/net/%s", vif);
	for (int waited = 0; access(path, F_OK); waited += 20) {
		if (waited >= VIF_WAIT_MS)
			return err_set(err, ETIMEDOUT, "netback did not make %s", vif);
		usleep(20 * 1000);
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const void *buf, size_t len,
		      struct vxn_err *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	int r = write_all(fd, buf, len) ? err_set(err, errno, "writing %s", path) : 0;
	close(fd);
	return r;
}

/* One tc process for the four commands (a fork costs up to a second under
 * the lab's emulation). */
static int redirect_both_ways(int nsfd, const char *dir, const char *veth, const char *vif,
			      struct vxn_err *err)
{
	char batch[512], path[PATH_MAX];
	static const char filter[] = "filter add dev %s parent ffff: protocol all u32 match "
				     "u8 0 0 action mirred egress redirect dev %s\n";
	int n = snprintf(batch, sizeof batch, "qdisc add dev %s ingress\n", veth);

	n += snprintf(batch + n, sizeof batch - (size_t)n, filter, veth, vif);
	n += snprintf(batch + n, sizeof batch - (size_t)n, "qdisc add dev %s ingress\n", vif);
	n += snprintf(batch + n, sizeof batch - (size_t)n, filter, vif, veth);
	if (write_file(dir, TC_BATCH, batch, (size_t)n, err))
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, TC_BATCH);
	char *argv[] = { "tc", "-batch", path, NULL };
	int r = spawn_tool_in_netns(argv, nsfd, err);
	unlink(path);
	return r;
}

/* Recorded before the filters exist, so that a create killed in between
 * still has them removed. */
static int record_link(const char *dir, const char *netns_path, const char *veth,
		       struct vxn_err *err)
{
	char buf[PATH_MAX + IF_NAMESIZE + 2];
	int n = snprintf(buf, sizeof buf, "%s\n%s\n", netns_path, veth);

	if (n < 0 || (size_t)n >= sizeof buf || strchr(netns_path, '\n'))
		return err_set(err, ENAMETOOLONG, "network namespace path");
	return write_file(dir, NET_LINK, buf, (size_t)n, err);
}

int netwire_nic(uint32_t domid, int nsfd, int init_nsfd, const char *dir,
		const struct netinfo *ni, int *devid_out, bool *redirected, struct vxn_err *err)
{
	struct xen_ctx *x = NULL;
	char vif[IF_NAMESIZE];
	struct phase ph;
	int devid = -1;

	*devid_out = -1;
	*redirected = false;
	phase_begin(&ph);
	if (xen_open(&x, err))
		return -1;
	int r = xen_add_nic(x, domid, ni->net.mac, ni->net.mtu, &devid, err);
	xen_close(x);
	if (r)
		return -1;
	*devid_out = devid;
	phase_end(&ph, "net-nic-add");
	snprintf(vif, sizeof vif, "vif%u.%d", domid, devid);
	/* the vif is born in dom0's first namespace, where init_nsfd leads */
	if (vif_wait(vif, err) || nlink_move(vif, init_nsfd, nsfd, err) ||
	    nlink_up(vif, ni->net.mtu, nsfd, err))
		return -1;
	/* from here on the veth may have its ingress qdisc: tc -batch stops at
	 * the first failing line, and adding the veth's is the first */
	*redirected = true;
	if (redirect_both_ways(nsfd, dir, ni->ifname, vif, err))
		return -1;
	phase_end(&ph, "net-wire");
	log_debug("net: %s (%02x:%02x:%02x:%02x:%02x:%02x, mtu %u) <-> %s, %u addresses, "
		  "%u routes", ni->ifname, ni->net.mac[0], ni->net.mac[1], ni->net.mac[2],
		  ni->net.mac[3], ni->net.mac[4], ni->net.mac[5], ni->net.mtu, vif,
		  ni->net.naddrs, ni->net.nroutes);
	return xen_nic_connect(domid, devid, err);
}

int netwire_connect(uint32_t domid, pid_t pid, const char *netns_path, const char *dir,
		    struct vxn_err *err)
{
	char path[64];
	struct netinfo ni;
	uint8_t buf[VXN_NET_MAX_BYTES];
	int r = -1;

	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return err_set(err, errno, "the container's network namespace (%s)", path);
	if (netinfo_read(nsfd, &ni, err))
		goto out;
	if (ni.guest_vif[0]) {
		err_set(err, 0, "the container's network namespace is another vxn container's "
			"(its guest's %s is there): a Xen guest cannot share another guest's "
			"network stack; use a network both containers join", ni.guest_vif);
		goto out;
	}
	/* more than one (podman --network a,b; docker network connect before
	 * start): the first listed (the lowest index: the engine made it first)
	 * is the guest's eth0, described in the launch; the others are plugged
	 * as a running container's would be, and their NET_ADD frames follow */
	bool more = ni.nlinks > 1;
	if (more && netinfo_read_link(nsfd, ni.links[0].ifindex, &ni, err))
		goto out;
	if (more && !ni.net.has_nic) {
		err_set(err, 0, "the container's network namespace changed while create read it");
		goto out;
	}
	if (ni.net.has_nic && netns_path && record_link(dir, netns_path, ni.ifname, err))
		goto out;
	int devid = -1;
	bool redirected;
	if (ni.net.has_nic && (netwire_nic(domid, nsfd, -1, dir, &ni, &devid, &redirected, err) ||
			       netnics_record(dir, devid, &ni, err)))
		goto out;
	if (more && netplug_sync_ns(domid, nsfd, -1, dir, err))
		goto out;
	size_t len = vxn_net_encode(&ni.net, buf, sizeof buf);
	if (len == 0) {
		err_set(err, EINVAL, "the network of %s cannot be given to a guest (MAC, MTU)",
			ni.ifname);
		goto out;
	}
	r = write_file(dir, MONITOR_NET_FILE, buf, len, err);
out:
	close(nsfd);
	return r;
}

/* NET_LINK's two lines, each checked: an absolute path, an interface name. */
static bool read_link(const char *dir, char *ns, size_t nslen, char *veth)
{
	char path[PATH_MAX], buf[PATH_MAX + IF_NAMESIZE + 2];

	snprintf(path, sizeof path, "%s/%s", dir, NET_LINK);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *nl = strchr(buf, '\n'), *v = nl ? nl + 1 : NULL;
	char *end = v ? strchr(v, '\n') : NULL;
	if (!end || buf[0] != '/' || (size_t)(nl - buf) >= nslen ||
	    (size_t)(end - v) >= IF_NAMESIZE || end == v)
		return false;
	*nl = *end = '\0';
	memcpy(ns, buf, (size_t)(nl - buf) + 1);
	memcpy(veth, v, (size_t)(end - v) + 1);
	return true;
}

void netwire_unredirect(int nsfd, const char *ns, const char *veth)
{
	struct vxn_err err;
	char name[IF_NAMESIZE];

	snprintf(name, sizeof name, "%s", veth);
	char *argv[] = { "tc", "qdisc", "del", "dev", name, "ingress", NULL };
	if (spawn_tool_in_netns(argv, nsfd, &err))
		log_debug("net: %s", err.msg);
	else
		log_debug("net: %s in %s: redirect removed", name, ns);
}

void netwire_release(const char *dir)
{
	char ns[PATH_MAX], veth[IF_NAMESIZE];

	if (!read_link(dir, ns, sizeof ns, veth))
		return;
	int nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		log_debug("net: %s is gone: nothing to release", ns);
		return;
	}
	netwire_unredirect(nsfd, ns, veth);
	/* and those of the interfaces hot-plugged since (netplug.c) */
	struct netnic nics[NETNICS_MAX];
	size_t n = netnics_read(dir, nics, NETNICS_MAX);
	for (size_t i = 0; i < n; i++)
		if (nics[i].devid > 0 && strcmp(nics[i].ifname, veth))
			netwire_unredirect(nsfd, ns, nics[i].ifname);
	close(nsfd);
}
