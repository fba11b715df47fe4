/* The monitor's control socket, STATE_DIR/monitor.sock (AF_UNIX, SOCK_SEQPACKET,
 * mode 0600): one request, one reply, per connection.
 *   request  "signal N" | "signal N all"
 *   reply    "ok" | "error: TEXT" */
#ifndef VXN_CONTROL_H
#define VXN_CONTROL_H

#include <stddef.h>

#include "error.h"

#define CONTROL_SOCKET "monitor.sock"
#define CONTROL_MSG_MAX 1024

/* Bound, listening, non-blocking, close-on-exec. */
int control_listen(const char *state_dir, struct vxn_err *err);
/* Send req, wait (bounded) for the reply. -1 with errnum ECONNREFUSED or
 * ENOENT when no monitor listens; a reply "error: X" becomes err "X". */
int control_request(const char *state_dir, const char *req, struct vxn_err *err);
/* Accept one connection and read its request (bounded wait): the connected
 * fd, or -1 when there was nothing to accept. */
int control_accept(int listen_fd, char *req, size_t cap);
void control_reply(int conn_fd, const char *reply);

#endif
