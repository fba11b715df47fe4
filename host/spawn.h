/* Running external tools (mke2fs, debugfs, mkfs.erofs) without a shell. */
#ifndef VXN_SPAWN_H
#define VXN_SPAWN_H

#include <sys/types.h>

#include "error.h"

/* Run argv (argv[0] a bare tool name, looked up in the system's sbin/bin dirs)
 * with fork+execve, stdin from /dev/null and stdout/stderr captured: they
 * must never reach the container's stdio. The output goes to the debug log;
 * on failure the error carries its last line. */
int spawn_tool(char *const argv[], struct vxn_err *err);
/* The same inside the network namespace open at netns_fd (ip, tc). */
int spawn_tool_in_netns(char *const argv[], int netns_fd, struct vxn_err *err);

/* The same in two halves, for work that can go on meanwhile: start returns
 * once the tool runs; wait collects it (and its error) exactly once. */
struct spawn_job {
	pid_t pid;     /* 0: none */
	int out_fd;    /* its stdout+stderr */
	char name[32];
};
int spawn_tool_start(char *const argv[], struct spawn_job *job, struct vxn_err *err);
int spawn_tool_wait(struct spawn_job *job, struct vxn_err *err);
/* Kill and collect a started job (no-op without one): an undo path. */
void spawn_tool_abort(struct spawn_job *job);

#endif
