/* The host process of one `vxn exec`: it asks the container's monitor for a
 * new process in the guest, relays its stdio (exec's own fds 0/1/2, or a pty
 * in terminal mode) and signals, and ends with its wait status. This is the
 * process whose pid goes to --pid-file. */
#ifndef VXN_EXEC_CLIENT_H
#define VXN_EXEC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct exec_client_opts {
	const char *state_dir;
	const uint8_t *launch;      /* encoded vxn_launch, fits one frame */
	size_t launch_len;
	bool terminal;
	const char *console_socket; /* terminal: the pty master goes there; NULL: fd 0
				     * is the terminal */
	uint16_t rows, cols;        /* initial size, 0: unknown */
	const char *pid_file;       /* NULL: none */
	int notify_fd;              /* -1, or where "S" (started) or "E<text>" goes */
	/* A pod's app container (pod_member.c): */
	uint8_t start_type;         /* 0: VXN_F_EXEC_START; VXN_F_CTR_START or _EXEC */
	int ready_fd;               /* -1, or "R" once connected to the monitor */
	const char *gate;           /* NULL, or a FIFO: wait for `start` to open it,
				     * then "S" or "E<text>" goes there */
};

/* Returns -1 with err when the process could not be started; otherwise
 * never returns: exits with the process's wait status. */
int exec_client_run(const struct exec_client_opts *o, struct vxn_err *err);

#endif
