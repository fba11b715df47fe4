/* The warm pool (opt-in): guests booted ahead of time up to guest-init, which
 * waits in them for a monitor to send its launch data. `vxn pool fill N`
 * makes them; create's monitor takes one whose boot settings match the
 * container's (plan->pool_prefix), renames it to the container's domain,
 * hot-plugs the root disk and pauses it, so that start only runs what is
 * left: the mounts and the exec. Without pool guests, create boots a guest
 * of its own as before. Their only state is in Xen (names and xenstore). */
#ifndef VXN_POOL_H
#define VXN_POOL_H

#include <stdint.h>
#include <stdio.h>

#include "container.h"
#include "error.h"
#include "plan.h"
#include "xen.h"

#define POOL_MAX 64u

/* Boot pool guests until `size` of vxn.conf's shape are up, then wait until
 * each one's guest-init waits (or fail naming the one that did not). */
int pool_fill(const struct vxn_globals *g, unsigned size, struct vxn_err *err);
/* Destroy every pool guest (of any shape) not taken yet. */
int pool_drain(const struct vxn_globals *g, struct vxn_err *err);
/* "NAME DOMID STATE" lines, STATE ready, booting or dead. */
int pool_print(const struct vxn_globals *g, FILE *out, struct vxn_err *err);
/* vxn.conf's pool_size: after a create, a detached process (reparented to
 * init or the engine's subreaper) tops the pool up to size, one such
 * process at a time; the caller does not wait for the guests' boot. */
void pool_refill_detached(const struct vxn_globals *g, const char *root, unsigned size);
/* The monitor's side: take a ready pool guest for p, renamed to p->name. 1
 * with *domid set, 0 when there is none, -1 on error. */
int pool_claim(struct xen_ctx *x, const struct vxn_plan *p, uint32_t *domid,
	       struct vxn_err *err);

#endif
