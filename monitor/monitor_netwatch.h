/* The container's network namespace, watched for interfaces the engine adds
 * or removes while the container runs (`docker network connect` and
 * `disconnect`, which call no runtime). The monitor lives in that
 * namespace; a short while after the last change it runs `vxn
 * monitor-net-sync` (host/netplug.c), one at a time, and sends the guest a
 * NET_ADD frame for every NIC that added. */
#ifndef VXN_MONITOR_NETWATCH_H
#define VXN_MONITOR_NETWATCH_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel.h"
#include "error.h"

struct monitor_handoff;

struct mon_netwatch {
	int fd;          /* NETLINK_ROUTE, link and address groups; -1: not watching */
	long due_ms;     /* when the next sync runs, -1: none due */
	pid_t sync;      /* the running sync, 0: none */
	bool again;      /* a change came while it ran */
};

/* Only for a container with a NIC of its own: other namespaces (none, a
 * pod member's, dom0's) are not the guest's to follow. */
int netwatch_open(struct mon_netwatch *w, struct vxn_err *err);
void netwatch_close(struct mon_netwatch *w);
/* The poll slot, or -1. */
int netwatch_poll_add(const struct mon_netwatch *w, struct pollfd *fds, int *n);
/* ms until netwatch_tick has work, -1: none. */
int netwatch_timeout_ms(const struct mon_netwatch *w, long now_ms);
/* The netlink messages read (readable: fds[slot] had input); a sync
 * started when one is due, a finished one reaped and its frames sent. */
void netwatch_tick(struct mon_netwatch *w, bool readable, long now_ms,
		   const struct monitor_handoff *h, struct channel *ch);
/* The NET_ADD frames left in STATE_DIR/net-added (by a sync, or by create
 * for the interfaces beside the first), sent and the file removed. */
void netwatch_send_added(const struct monitor_handoff *h, struct channel *ch);

#endif
