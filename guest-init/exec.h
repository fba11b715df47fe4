/* Starting the container's process: its stdio (pipes, or a pty in terminal
 * mode), then a child that drops into the root and execs the entrypoint. */
#ifndef VXN_GUEST_EXEC_H
#define VXN_GUEST_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "vxn-proto.h"

struct proc {
	pid_t pid;
	bool terminal;
	int in_fd;    /* its stdin (pipe write end), or the pty master */
	int out_fd;   /* its stdout (pipe read end), or the pty master */
	int err_fd;   /* its stderr (pipe read end), -1 in terminal mode */
};

/* What the child says when it cannot exec: the wait status it exits with
 * (126/127, or 255 for a setup failure) and why. status 0: exec succeeded. */
struct exec_report {
	int status;
	char text[VXN_ERROR_MAX];
};

/* Where a process of a pod's other container starts (podctr.h); NULL for
 * the main container and its execs, whose root is GUEST_ROOT as it is. */
struct proc_place {
	/* CTR_START: in a mount namespace of its own, this directory (the
	 * container's root in the pod's share) is bound over GUEST_ROOT and
	 * the launch's mounts are made on it; else NULL */
	const char *root;
	/* CTR_EXEC: the container's mount namespace to join, else -1 */
	int mnt_fd;
	/* a container's own process, not an exec: as under runc, it hides and
	 * write-protects the spec's masked and read-only paths, and with a
	 * terminal its pty is bound on the container's /dev/console */
	bool own;
	/* a pod container's own cgroup (cgroup.h) to join first, so that all
	 * the process allocates counts there; -1: none */
	int cgroup_fd;
};

/* Fork the process and wait until it has exec'd or failed. -1 only when the
 * process could not be started at all (pipes, pty, fork). */
int proc_start(const struct vxn_launch *l, const struct proc_place *place, struct proc *p,
	       struct exec_report *rep, struct vxn_err *err);

/* Between exec.c and exec-child.c: the fds the child turns into its 0, 1, 2,
 * and the child's side, which reports on report_fd and never returns. */
struct child_stdio {
	int fd[3];
};
void exec_child(const struct vxn_launch *l, const struct proc_place *place,
		const struct child_stdio *c, int report_fd) __attribute__((noreturn));

#endif
