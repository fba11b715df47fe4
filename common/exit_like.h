/* Ending a host process with the wait status of a guest process: exit N ->
 * exit(N); killed by signal S -> die of S (no core dump), so that whoever
 * waits for us sees what runc's callers would see. */
#ifndef VXN_EXIT_LIKE_H
#define VXN_EXIT_LIKE_H

#include "vxn-proto.h"

_Noreturn void exit_like(const struct vxn_exit *e);

#endif
