/* A pod's app container on the host (Kubernetes through containerd's CRI):
 * it runs inside the guest of its pod's sandbox container, so it has no
 * domain and no monitor of its own. Its pid-file process is a pod client:
 * an exec client (exec_client.c) that connected to the sandbox's monitor at
 * create, waits on a FIFO in the container's state directory (runc's
 * exec.fifo) until `start`, then sends VXN_F_CTR_START, relays stdio and
 * signals, and ends with the container's wait status, which the engine's
 * shim reaps as it would runc's container process. */
#ifndef VXN_POD_MEMBER_H
#define VXN_POD_MEMBER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "container.h"
#include "error.h"
#include "spec.h"
#include "state.h"

struct member_create_args {
	const char *id;
	const char *sandbox_id;
	const char *bundle;          /* absolute */
	const char *dir;             /* the container's state directory, made and locked */
	const struct vxn_spec *spec;
	const struct vxn_config *cfg;
};

/* Everything of create after the state directory: on failure nothing of it
 * is left but the directory (the caller's). */
int member_create(const struct vxn_globals *g, const struct vxn_create_opts *o,
		  const struct member_create_args *a, pid_t *client, struct vxn_err *err);
enum vxn_status member_status(const struct vxn_state *st, const char *dir);
int member_start(const struct vxn_state *st, const char *dir, struct vxn_err *err);
int member_kill(const struct vxn_state *st, int signo, struct vxn_err *err);
/* The client, run as `vxn pod-client` by member_create: launch_fd holds
 * the CTR_START frame, ready_fd gets "R" once connected to the sandbox's
 * monitor or "E<text>". Returns -1 with err when it could not connect or
 * the container could not start; otherwise never returns. */
struct member_client_args {
	const char *state_dir;       /* the sandbox's */
	const char *gate;            /* the member's start FIFO */
	const char *console_socket;  /* NULL: none */
	int launch_fd, ready_fd;
	bool terminal;
	uint16_t rows, cols;
};
int member_client_run(const struct member_client_args *a, struct vxn_err *err);
/* Ends the client (KILL) if it still runs, then takes the entries away. */
void member_remove(const struct vxn_globals *g, const struct vxn_state *st);
/* A member has no domain or monitor of its own: verb (pause, resume,
 * update, ps) works on the pod's guest as a whole, through its sandbox.
 * -1 naming the sandbox for a member, else 0. */
int member_refuse(const struct vxn_state *st, const char *id, const char *verb,
		  struct vxn_err *err);
/* The sandbox's state directory, for exec into a member. */
int member_sandbox_dir(const struct vxn_globals *g, const struct vxn_state *st, char *out,
		       size_t cap, struct vxn_err *err);

#endif
