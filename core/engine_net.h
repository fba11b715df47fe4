/* Docker network modes a guest cannot join. */
#ifndef VXN_ENGINE_NET_H
#define VXN_ENGINE_NET_H

#include "error.h"
#include "spec.h"

/* Refuses a Docker container whose network mode a guest cannot have
 * (container:X), with a message that says why; everything else passes. */
int engine_net_check(const struct vxn_spec *s, struct vxn_err *err);

#endif
