/* The monitor's side of `vxn exec` and `vxn ps`: each exec client holds a
 * control connection (control.h) over which frames travel; the monitor gives
 * it a stream number and multiplexes it onto the guest channel. ps requests
 * wait here for the guest's answer. */
#ifndef VXN_MONITOR_EXEC_H
#define VXN_MONITOR_EXEC_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel.h"

#define EXEC_LINKS_MAX 32
#define PS_WAITING_MAX 8

struct exec_link {
	int fd;            /* -1: free */
	uint16_t stream;
	pid_t pid;         /* the client's, from SO_PEERCRED */
	bool started;      /* its EXEC_START went to the guest */
};

struct exec_links {
	struct exec_link l[EXEC_LINKS_MAX];
	uint16_t next_stream;
	int ps_fd[PS_WAITING_MAX];  /* connections waiting for a PS_REPLY */
	uint16_t ps_tag[PS_WAITING_MAX];
	uint16_t next_tag;
	int poll_base;     /* index of the first client fd in the last poll set */
	int poll_count;
};

void execs_init(struct exec_links *x);
/* Take over a connection that asked "exec": 0, or -1 when all links are in
 * use (the caller replies an error and closes it). */
int execs_adopt(struct exec_links *x, int fd);
/* Add the clients' fds to a poll set (only while the channel has room for
 * what they may send). */
void execs_poll_add(struct exec_links *x, struct pollfd *fds, int *n, int max, bool room);
/* After poll: move the ready clients' frames to the guest. */
void execs_poll_done(struct exec_links *x, struct channel *ch, const struct pollfd *fds);
/* A frame from the guest on a stream >= 1 (or a PS_REPLY): relayed to its
 * client. false when the guest broke the protocol. */
bool execs_guest_frame(struct exec_links *x, const struct vxn_frame_hdr *h, const uint8_t *p);
/* "ps": ask the guest, answer when its PS_REPLY comes. Takes fd. */
void execs_ps(struct exec_links *x, struct channel *ch, int fd);
/* The clients' pids, space-separated, into buf. */
void execs_pids(const struct exec_links *x, char *buf, size_t cap);
/* Close every connection: clients that had no EXIT see the container gone. */
void execs_close_all(struct exec_links *x);

#endif
