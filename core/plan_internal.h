/* Shared between plan.c, plan_mounts.c and plan_json.c; not a public contract. */
#ifndef VXN_PLAN_INTERNAL_H
#define VXN_PLAN_INTERNAL_H

#include "plan.h"

#define MIB (1024ull * 1024ull)
#define DEFAULT_CPU_PERIOD 100000ull     /* the kernel's CFS default */

/* Fills p->launch.mounts and p->copy_in from s->mounts. p->rootfs is set. */
/* The root share (plan.h, root_shared), after plan_mounts; none without. */
int plan_root_share(struct vxn_plan *p, struct vxn_err *err);
/* A pod's guest sized from CRI's sandbox annotations (plan_pod.c): 1 and
 * *mib (*vcpus) set when the spec is a sandbox whose pod has limits, 0 when
 * not, -1 on a malformed annotation. */
int plan_pod_memory(const struct vxn_spec *s, const struct vxn_config *c, uint64_t max_mib,
		    uint64_t *mib, struct vxn_err *err);
int plan_pod_vcpus(const struct vxn_spec *s, unsigned max_vcpus, unsigned *vcpus,
		   struct vxn_err *err);
/* The pod's share of a sandbox's guest (plan_pod.c). */
int plan_pod_share(struct vxn_plan *p, struct vxn_err *err);
int plan_mounts(const struct vxn_spec *s, const char *bundle, struct vxn_plan *p,
		struct vxn_err *err);

/* One OCI mount option: sets or clears MS_* bits and returns 1, returns 0 when
 * the option is not a flag (it belongs in the data string), -1 when it is
 * understood and deliberately dropped (propagation, SELinux relabel). */
int mount_option_flag(const char *opt, uint64_t *flags);

/* Names of the MS_* bits in flags, in bit order, for plan_to_json. */
size_t mount_flag_names(uint64_t flags, const char **names, size_t cap);

#endif
