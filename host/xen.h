/* The thin Xen layer: everything vxn asks of libxl, in plain types.
 * xen.c is the only file that includes libxl.h; every libxl message goes
 * through xen_log.h into vxn's log, never onto stdio. vxn-monitor does
 * without it (domwatch.h). */
#ifndef VXN_XEN_H
#define VXN_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

struct xen_ctx;

/* Values of libxl_shutdown_reason. */
enum xen_shutdown_reason {
	XEN_SHUTDOWN_UNKNOWN = -1,
	XEN_SHUTDOWN_POWEROFF = 0,
	XEN_SHUTDOWN_REBOOT = 1,
	XEN_SHUTDOWN_SUSPEND = 2,
	XEN_SHUTDOWN_CRASH = 3,
	XEN_SHUTDOWN_WATCHDOG = 4,
	XEN_SHUTDOWN_SOFT_RESET = 5,
};

struct xen_dominfo {
	bool exists;
	bool paused;
	bool shutdown;
	bool dying;
	int shutdown_reason;  /* enum xen_shutdown_reason, valid when shutdown */
	uint64_t cpu_time_ns;  /* all vcpus together */
	uint64_t current_kib;  /* what the domain has now */
	uint64_t max_kib;      /* Xen's current ceiling (the balloon target, enforced) */
	unsigned vcpus_online;
	unsigned vcpus_max;
};

int xen_open(struct xen_ctx **ctx, struct vxn_err *err);
void xen_close(struct xen_ctx *ctx);  /* NULL is fine */

/* Build the PV domain the plan describes, root disk xvda on loop_dev (NULL:
 * no disk, a warm pool guest); libxl leaves it paused. On failure nothing of
 * it is left. */
int xen_create_paused(struct xen_ctx *ctx, const struct vxn_plan *plan, const char *loop_dev,
		      uint32_t *domid, struct vxn_err *err);
/* Hot-plug the plan's root disk (xvda on loop_dev) into an existing domain,
 * the same backend as at create; the guest sees it once it runs. */
int xen_attach_disk(struct xen_ctx *ctx, uint32_t domid, const struct vxn_plan *plan,
		    const char *loop_dev, struct vxn_err *err);
/* Hot-plug a NIC (netfront MAC mac, MTU mtu) into the domain, paused or
 * running; its backend device in dom0 is vif<domid>.<*devid>. Netback
 * connects only once xen_nic_connect says its wiring is done. */
int xen_add_nic(struct xen_ctx *ctx, uint32_t domid, const uint8_t mac[6], unsigned mtu,
		int *devid, struct vxn_err *err);
/* What a vif hotplug script would write at the end: hotplug-status =
 * connected under the NIC's backend path. */
int xen_nic_connect(uint32_t domid, int devid, struct vxn_err *err);
/* Unplug the NIC devid from a running domain (its vif goes with it). */
int xen_remove_nic(struct xen_ctx *ctx, uint32_t domid, int devid, struct vxn_err *err);
/* libxl renames only while the name is still old_name (in one xenstore
 * transaction): two callers cannot both win the same domain. */
int xen_rename(struct xen_ctx *ctx, uint32_t domid, const char *old_name, const char *new_name,
	       struct vxn_err *err);

struct xen_named_domain {
	uint32_t domid;
	char name[96];
	bool alive;   /* neither shut down nor dying */
	bool ready;   /* alive, and its guest-init waits for a monitor (VXN_XS_POOL_READY) */
};
/* The domains whose names start with prefix (at most cap of them). */
int xen_list_by_prefix(struct xen_ctx *ctx, const char *prefix, struct xen_named_domain *out,
		       size_t cap, size_t *n, struct vxn_err *err);
int xen_unpause(struct xen_ctx *ctx, uint32_t domid, struct vxn_err *err);
int xen_pause(struct xen_ctx *ctx, uint32_t domid, struct vxn_err *err);
int xen_destroy(struct xen_ctx *ctx, uint32_t domid, struct vxn_err *err);
/* -1 with err->errnum == ENOENT when no domain has that name. */
int xen_domid_by_name(struct xen_ctx *ctx, const char *name, uint32_t *domid,
		      struct vxn_err *err);
/* domid's name (one xenstore read); -1 with err->errnum == ENOENT when it
 * has none: no such domain. */
int xen_domain_name(struct xen_ctx *ctx, uint32_t domid, char *name, size_t len,
		    struct vxn_err *err);
/* A missing domain is not an error: info->exists is false. */
int xen_domain_info(struct xen_ctx *ctx, uint32_t domid, struct xen_dominfo *info,
		    struct vxn_err *err);
/* Balloon target (enforced as Xen's maxmem), refused beyond the static
 * maximum given at create. */
int xen_set_memory(struct xen_ctx *ctx, uint32_t domid, uint64_t kib, struct vxn_err *err);
/* Vcpus 0..n-1 online, the rest offline; refused beyond the create-time max. */
int xen_set_vcpus(struct xen_ctx *ctx, uint32_t domid, unsigned n, struct vxn_err *err);

#endif
