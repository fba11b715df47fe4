/* The per-container monitor: the process left behind by create, whose pid is
 * in --pid-file and whose wait status is the container's. It owns the domain,
 * the loop device, the channel and the control socket. It begins as create's
 * forked child, which builds the domain (monitor_start.c), and goes on as
 * vxn-monitor, exec'd in the same process (monitor.c). */
#ifndef VXN_MONITOR_H
#define VXN_MONITOR_H

#include <stdint.h>

#include "container.h"
#include "error.h"
#include "plan.h"

struct monitor_args {
	const struct vxn_globals *g;
	const char *id;
	const char *state_dir;
	const struct vxn_plan *plan;
	const char *pid_file;   /* NULL: none */
	const char *console_socket;  /* terminal mode: where the pty master goes */
	int ready_fd;           /* create's socket: monitor_ready out, one confirmation
				 * byte in once state.json exists and the root disk is
				 * filled (EOF: create died), then a last monitor_ready
				 * out once the guest is ready for start */
	int lock_fd;            /* the state dir's flock (see container.c), held until exit */
	const char *vxn_path;   /* this vxn, which vxn-monitor runs for the teardown */
	const char *monitor_path;  /* vxn-monitor (monitor_find) */
};

/* What the monitor tells create once, over ready_fd. */
struct monitor_ready {
	uint32_t ok;            /* 1: the domain exists, paused; 0: err says why */
	uint32_t domid;
	struct vxn_err err;
};

/* vxn-monitor beside this vxn (a build tree), else where it is installed
 * (VXN_LIBEXEC_DIR); vxn_path receives this vxn's own path. Create looks
 * before it builds anything. */
int monitor_find(char *vxn_path, size_t vxn_len, char *mon_path, size_t mon_len,
		 struct vxn_err *err) __attribute__((nonnull));

/* Runs in the child forked by create: never returns (it becomes vxn-monitor). */
_Noreturn void monitor_start(const struct monitor_args *a);

struct monitor_handoff;
/* vxn-monitor's body, after the exec: never returns. launch is a pool
 * guest's launch data (malloc'd, taken over) or NULL. */
_Noreturn void monitor_main(const struct monitor_handoff *h, uint8_t *launch);

/* vxn-monitor's exit status when its handoff is unreadable or from another
 * build, before any report to create. */
#define MONITOR_EXIT_BAD_HANDOFF 125

/* Files the monitor writes in the state directory. */
#define MONITOR_LOG "monitor.log"
#define MONITOR_CONSOLE_LOG "console.log"
#define MONITOR_EXIT_STATUS "exit-status"
#define MONITOR_ERROR "error"

#endif
