/* The monitor's side of `vxn exec`, `vxn ps` and the guest's view in
 * `vxn events`: each exec client holds a control connection (control.h) over
 * which frames travel; the monitor gives it a stream number and multiplexes
 * it onto the guest channel. ps and stats queries wait here for the guest's
 * answer. */
#ifndef VXN_MONITOR_EXEC_H
#define VXN_MONITOR_EXEC_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel.h"

/* A pod's guest serves each of its containers and every exec (probes
 * too) over these links. */
#define EXEC_LINKS_MAX 64
#define QUERIES_MAX 8

/* Flow control (vxn-proto.h): frames for the client wait in q (at most a
 * window: the guest keeps within it) until the client's socket takes them,
 * and only then is the guest given the credit back; the client's stdin goes
 * on only within the stdin window the guest gives back. A client that stops
 * reading holds back its own process, no other stream. */
struct exec_link {
	int fd;            /* -1: free */
	uint16_t stream;
	pid_t pid;         /* the client's, from SO_PEERCRED */
	bool started;      /* its EXEC_START (CTR_START, CTR_EXEC) went to the guest */
	uint8_t *q;        /* frames for the client (VXN_STREAM_WINDOW bytes), or NULL */
	size_t q_len;
	uint32_t out_credit;    /* output bytes the client took, not yet given back */
	uint32_t stdin_credit;  /* stdin bytes the guest still takes */
};

struct exec_links {
	struct exec_link l[EXEC_LINKS_MAX];
	uint16_t next_stream;
	int query_fd[QUERIES_MAX];  /* connections waiting for the guest's answer */
	uint16_t query_tag[QUERIES_MAX];
	uint8_t query_reply[QUERIES_MAX];  /* the frame type of that answer */
	uint16_t next_tag;
	int poll_base;     /* index of the first client fd in the last poll set */
	int poll_count;
};

void execs_init(struct exec_links *x);
/* Take over a connection that asked "exec": 0, or -1 when all links are in
 * use (the caller replies an error and closes it). */
int execs_adopt(struct exec_links *x, int fd);
/* Add the clients' fds to a poll set: to read from while the channel has room
 * for what they may send (and the guest for their stdin), to write to while
 * frames wait for them. */
void execs_poll_add(struct exec_links *x, struct pollfd *fds, int *n, int max, bool room);
/* After poll: move the ready clients' frames to the guest and queued frames
 * to the clients. */
void execs_poll_done(struct exec_links *x, struct channel *ch, const struct pollfd *fds);
/* A frame from the guest on a stream >= 1 (or a PS_REPLY / STATS_REPLY):
 * relayed to its client. false when the guest broke the protocol. */
bool execs_guest_frame(struct exec_links *x, struct channel *ch, const struct vxn_frame_hdr *h,
		       const uint8_t *p);
/* "ps" (request VXN_F_PS_REQUEST) or "stats" (VXN_F_STATS_REQUEST): ask the
 * guest, answer fd when its reply comes ("ok\nPID USER CMD..." or
 * "ok TOTAL FREE AVAILABLE PROCESSES CPUS", KiB). Takes fd. */
void execs_query(struct exec_links *x, struct channel *ch, int fd, uint8_t request);
/* The clients' pids, space-separated, into buf. */
void execs_pids(const struct exec_links *x, char *buf, size_t cap);
/* Close every connection: clients that had no EXIT see the container gone. */
void execs_close_all(struct exec_links *x);

#endif
