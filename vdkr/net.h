/* vdkr's bridge network (`run --network bridge`, `run -p`), made by the CNI
 * plugins (Debian's containernetworking-plugins in /usr/lib/cni, Yocto's
 * cni in /usr/libexec/cni, or /opt/cni/bin): a network
 * namespace of the container's own, pinned at CTR_DIR/netns and given to
 * vxn by path in config.json, as Podman gives its CNI networks; the bridge
 * plugin puts a veth into it from the bridge vdkr0, with an address from
 * host-local IPAM (vxn.conf's vdkr_subnet) and masquerading out; the
 * portmap plugin publishes the -p ports. vxn then wires the guest's NIC to
 * that veth as for any engine. */
#ifndef VDKR_NET_H
#define VDKR_NET_H

#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "error.h"
#include "runopts.h"
#include "vdkr.h"

#define VDKR_NETNS_FILE "netns"

/* The namespace made and joined to the bridge, ports published: its path
 * (for config.json) into netns. -1 with err, and nothing left. */
int vdkr_net_up(const struct vdkr_ctx *c, const char *id, const struct run_publish *p,
		size_t np, char *netns, size_t len, struct vxn_err *err);
/* Everything vdkr_net_up made undone (the CNI DELs, the namespace); nothing
 * for a container without a network. Failures are warnings. Also what
 * docker does when a container ends (its address and ports given back):
 * stop calls it, and vdkr_net_up for every container that ended since. */
void vdkr_net_down(const struct vdkr_ctx *c, const char *id);
/* The IPv4 address the bridge gave the container, and its gateway ("" and
 * "" without a network). */
void vdkr_net_address(const struct vdkr_ctx *c, const char *id, char ip[16], char gw[16]);
/* ps's PORTS: "0.0.0.0:8080->80/tcp, 127.0.0.1:8443->443/tcp" as docker
 * prints them ("" without), into out. */
void vdkr_net_ports_text(const struct vdkr_ctx *c, const char *id, char *out, size_t len);
/* inspect's "NetworkSettings": the address the bridge gave (empty without
 * a network), its gateway, the published ports, as docker shows them. */
void vdkr_net_settings(yajl_gen g, const struct vdkr_ctx *c, const char *id);

#endif
