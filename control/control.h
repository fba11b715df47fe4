/* The monitor's control socket, STATE_DIR/monitor.sock (AF_UNIX, SOCK_SEQPACKET,
 * mode 0600): one request, one reply, per connection.
 *   request  "signal N" | "signal N all"
 *   reply    "ok" | "error: TEXT"
 *   request  "ps"     reply "ok\n" + PS_REPLY text (lines "PID USER CMD"), or error
 *   request  "pids"   reply "ok PID..." (the monitor's, then each exec client's)
 *   request  "exec"   no reply: the connection becomes an exec session. The
 *            client's next message is an EXEC_START frame (proto/vxn-proto.h,
 *            header + encoded launch, stream 0), then each message either way
 *            is one frame: the client sends STDIN, STDIN_EOF, WINSIZE and
 *            SIGNAL, and receives EXEC_STARTED, STDOUT, STDERR, ERROR and a
 *            last EXIT; the monitor rewrites the stream number. A connection
 *            that closes before its EXIT gets the process SIGKILLed. */
#ifndef VXN_CONTROL_H
#define VXN_CONTROL_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define CONTROL_SOCKET "monitor.sock"
#define CONTROL_MSG_MAX 1024

/* Bound, listening, non-blocking, close-on-exec. */
int control_listen(const char *state_dir, struct vxn_err *err);
/* Send req, wait (bounded) for the reply. -1 with errnum ECONNREFUSED or
 * ENOENT when no monitor listens; a reply "error: X" becomes err "X". */
int control_request(const char *state_dir, const char *req, struct vxn_err *err);
/* A connected SEQPACKET socket to the monitor (for exec sessions). */
int control_connect(const char *state_dir, struct vxn_err *err);
/* Send req and wait (bounded) for one reply of at most cap-1 bytes, NUL
 * terminated in reply: its length, or -1. */
ssize_t control_call(const char *state_dir, const char *req, char *reply, size_t cap,
		     struct vxn_err *err);
/* Accept one connection and read its request (bounded wait): the connected
 * fd, or -1 when there was nothing to accept. */
int control_accept(int listen_fd, char *req, size_t cap);
void control_reply(int conn_fd, const char *reply);

#endif
