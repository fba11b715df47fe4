/* The poll loop between the host channel and the container's processes: the
 * main process (stream 0) and the ones `vxn exec` starts (streams >= 1), each
 * with its stdio both ways, window size, signals and exit report; reaping
 * every child (we are PID 1); answering process listings; carrying DNS
 * queries to the engine's resolver (dns.h). */
#ifndef VXN_GUEST_RELAY_H
#define VXN_GUEST_RELAY_H

#include "channel.h"
#include "dns.h"
#include "error.h"
#include "exec.h"
#include "framebuf.h"
#include "net.h"

/* The main process and at most this many others at a time: exec'd ones,
 * and in a pod's guest its other containers and the execs in them. */
#define RELAY_MAX_EXEC 64

struct session {
	bool used;
	uint16_t stream;
	struct proc proc;
	/* a pod's container (CTR_START) has its name here; a process started
	 * in one (CTR_EXEC) the name of that container; else "" */
	char name[VXN_CTR_NAME_MAX + 1];
	bool ctr;                  /* the container itself (CTR_START) */
	bool own_pid_ns;           /* ... in a PID namespace of its own */
	struct byteq stdin_q;      /* bytes for the process's stdin */
	bool stdin_eof;            /* host closed stdin: close once stdin_q drains */
	bool out_eof, err_eof;
	uint32_t credit;           /* output bytes the host still takes (VXN_F_CREDIT) */
	uint32_t stdin_taken;      /* stdin bytes the process took, not yet given back */
	bool exited;
	int wstatus;
	uint64_t drain_deadline_ms;
};

/* `xl shutdown`: the time between SIGTERM and SIGKILL, docker stop's default */
#define RELAY_STOP_GRACE_MS 10000

struct relay {
	struct channel *ch;
	int sigfd;                 /* signalfd for SIGCHLD and SIGPWR */
	int uevent_fd;             /* kernel uevents (cpus.h), or -1 */
	struct byteq out;          /* frames for the host */
	struct byteq in;           /* frames from the host, not yet handled */
	struct session s[1 + RELAY_MAX_EXEC];  /* [0]: the main process, stream 0 */
	struct guest_dns dns;      /* 127.0.0.11:53, when the container has it */
	struct net_pending nets;   /* hot-plugged NICs whose device is awaited */
	bool pod_share;            /* the launch's shares had the pod's (CTR_START) */
	/* `xl shutdown` (SIGPWR, main.c): SIGTERM went to the containers at
	 * stop_deadline_ms - RELAY_STOP_GRACE_MS, SIGKILL follows at it */
	uint64_t stop_deadline_ms;
	bool stop_main_termed;     /* stream 0's process had its SIGTERM */
	bool stop_killed;
};

/* Set up the queues (static storage for the main process's queues). */
void relay_init(struct relay *r, struct channel *ch, int sigfd);
/* Queue a frame on stream 0 for the host; output frames wait for room,
 * control frames use the reserve. */
int relay_queue(struct relay *r, uint8_t type, const void *p, size_t n);
/* Run until the main process has exited and its output is drained. 0 with
 * *result set, or -1 (channel lost, protocol error). */
int relay_run(struct relay *r, struct proc *p, struct vxn_exit *result,
	      struct vxn_err *err);

/* relay_run's parts, for the unit tests that drive the relay round by round
 * over an in-memory channel. relay_start: p becomes stream 0's process. */
void relay_start(struct relay *r, const struct proc *p);
/* One round without waiting: the host's frames in, stdin to the processes,
 * credit and finished execs' reports, queued frames to the host. 0, or -1
 * when the channel is lost or the host broke the protocol. */
int relay_pump(struct relay *r, struct vxn_err *err);
/* Wait (at most max_ms, -1: as long as the relay would) for the channel,
 * children and the processes' output, and read what is ready: 0 or -1. */
int relay_wait(struct relay *r, int max_ms, struct vxn_err *err);
/* Send everything queued and wait (at most timeout_ms) until the host has
 * read it from the ring. */
int relay_flush(struct relay *r, int timeout_ms);

#endif
