/* The poll loop between the host channel and the container's process:
 * stdio both ways, window size, signals, reaping every child (we are PID 1)
 * and, at the end, the exit report. */
#ifndef VXN_GUEST_RELAY_H
#define VXN_GUEST_RELAY_H

#include "channel.h"
#include "error.h"
#include "exec.h"
#include "framebuf.h"

struct relay {
	struct channel *ch;
	struct proc *proc;
	int sigfd;                 /* signalfd for SIGCHLD */
	struct byteq out;          /* frames for the host */
	struct byteq in;           /* frames from the host, not yet handled */
	struct byteq stdin_q;      /* bytes for the process's stdin */
	bool stdin_eof;            /* host closed stdin: close once stdin_q drains */
	bool out_eof, err_eof;
	bool exited;
	int wstatus;
	uint64_t drain_deadline_ms;
};

/* Set up the queues (static storage: there is one relay per guest). */
void relay_init(struct relay *r, struct channel *ch, int sigfd);
/* Queue a frame for the host; output frames wait for room, control frames
 * use the reserve. */
int relay_queue(struct relay *r, uint8_t type, const void *p, size_t n);
/* Run until the process has exited and its output is drained. 0 with
 * *result set, or -1 (channel lost, protocol error). */
int relay_run(struct relay *r, struct proc *p, struct vxn_exit *result,
	      struct vxn_err *err);
/* Send everything queued and wait (at most timeout_ms) until the host has
 * read it from the ring. */
int relay_flush(struct relay *r, int timeout_ms);

#endif
