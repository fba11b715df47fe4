/* Making the container's domain for the monitor, in a short-lived child:
 * libxl's create path touches about 1.5 MiB of library code (libxenlight,
 * libxenguest, libc), which would otherwise stay in the monitor's resident
 * set for the container's whole life (tests/bench: monitor VmRSS). The
 * child's pages go with it; the monitor opens a libxl context of its own
 * afterwards for what it still does (the death watch, pause, destroy). */
#ifndef VXN_MONITOR_BUILD_H
#define VXN_MONITOR_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

struct domain_build {
	const struct vxn_plan *plan;
	const char *loop_path;  /* the root disk */
	bool try_pool;          /* a warm pool guest may be taken (pool.h) */
};

struct domain_built {
	bool have_domain;       /* the domain p->name exists: the monitor's to destroy */
	uint32_t domid;
	bool pooled;            /* a pool guest, running, its root disk attached */
};

/* 0 with *out set: the domain exists, paused (or a running pool guest).
 * -1 with err set; out->have_domain then says whether there is something to
 * destroy (a child that died is looked for by the domain's name). */
int domain_build(const struct domain_build *in, struct domain_built *out,
		 struct vxn_err *err);

#endif
