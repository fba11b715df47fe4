/* The guest joins the container's network namespace: Kata's tcfilter model
 * with netback's vif in the tap's place. */
#ifndef VXN_NETWIRE_H
#define VXN_NETWIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Reads the namespace of pid (the monitor) as the engine left it; when it
 * holds a veth, adds a NIC with the veth's MAC and MTU to the domain, moves
 * its vif beside the veth, redirects every frame between the two both ways
 * and lets netback connect. Writes the guest's share (struct vxn_net) to
 * STATE_DIR/net (monitor.h) in every case: without a veth it says lo only.
 * Nothing to undo on failure but what netwire_release does: the vif goes
 * with the domain, the filters with a namespace vxn made. */
int netwire_connect(uint32_t domid, pid_t pid, const char *netns_path, const char *state_dir,
		    struct vxn_err *err);
/* A namespace given by path (netns_path above) outlives the container: its
 * veth's ingress qdisc, whose filter pointed at the gone vif, is removed
 * (recorded in STATE_DIR at connect; nothing to do without the record). */
void netwire_release(const char *state_dir);

struct netinfo;
/* One NIC for the interface ni describes, in the namespace at nsfd:
 * added to the domain, its vif moved there (from the namespace at init_nsfd,
 * dom0's first; -1: the caller's own), both redirected. *devid is the NIC's
 * once it exists (-1 before), *redirected true once the veth may have its
 * ingress qdisc: what a failed hot-plug must undo (netplug.c); create's
 * failures go with the domain. */
int netwire_nic(uint32_t domid, int nsfd, int init_nsfd, const char *state_dir,
		const struct netinfo *ni, int *devid, bool *redirected, struct vxn_err *err);
/* The veth's ingress qdisc deleted, with its filter (in the namespace at
 * nsfd, named ns in the log). */
void netwire_unredirect(int nsfd, const char *ns, const char *veth);

#endif
