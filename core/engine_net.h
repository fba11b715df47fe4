/* Networks an engine wires from the host side, which a guest cannot join. */
#ifndef VXN_ENGINE_NET_H
#define VXN_ENGINE_NET_H

#include "error.h"
#include "spec.h"

/* Refuses a Docker container whose network mode needs Docker's
 * libnetwork-setkey prestart hook (bridge and user-defined networks), with a
 * message that says so; --network=none, host and non-Docker specs pass. */
int engine_net_check(const struct vxn_spec *s, struct vxn_err *err);

#endif
