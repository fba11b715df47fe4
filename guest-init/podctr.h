/* A pod's other containers: the guest is a pod's, booted by its sandbox
 * container (stream 0, `pause`); each app container is started in it
 * later (CTR_START) as a session of the relay, with a mount namespace of
 * its own whose GUEST_ROOT is its root from the pod's share, in a PID
 * namespace of its own or the sandbox's; processes are started in it
 * (CTR_EXEC) as exec starts them in the main container. */
#ifndef VXN_GUEST_PODCTR_H
#define VXN_GUEST_PODCTR_H

#include "relay.h"

/* CTR_START and CTR_EXEC for stream, answered as session_exec answers
 * EXEC_START: 1 when handled, 0 when the answer must wait for room. */
int session_ctr_start(struct relay *r, uint16_t stream, const uint8_t *p, size_t len);
int session_ctr_exec(struct relay *r, uint16_t stream, const uint8_t *p, size_t len);
/* s's process was reaped: when it was a pod's container, what ran in it
 * ends with it (as at the end of its PID namespace, or of its cgroup under
 * runc when it shares the pod's): its process group and its execs' are
 * killed. */
void podctr_exited(struct relay *r, const struct session *s);

#endif
