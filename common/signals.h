/* The signals a host process that stands for a guest process passes on to
 * it, as runc's init and `runc exec` do: vxn-monitor for the container,
 * `vxn exec`'s client for an exec'd process. One list, so that both treat
 * the same signals the same way. */
#ifndef VXN_SIGNALS_H
#define VXN_SIGNALS_H

#include <signal.h>

/* Adds every forwarded signal to set. */
void forwarded_signals_add(sigset_t *set);

/* vxn kill -> a pod container's client (host/pod_member.c): sigqueue'd with
 * the signal to deliver as its value, so KILL and STOP get through too. */
#define VXN_RELAY_SIGNAL (SIGRTMIN + 4)

#endif
