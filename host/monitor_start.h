/* The start of the per-container monitor, on vxn's side: create forks a
 * child that builds the domain through libxl (monitor_start.c) and then
 * becomes vxn-monitor (monitor/) by exec, in the same process, so that its
 * pid is the one in --pid-file. The contract between the two is
 * control/monitor_handoff.h. */
#ifndef VXN_MONITOR_START_H
#define VXN_MONITOR_START_H

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
	int netns;              /* enum vxn_netns: the namespace this process lives in */
	const char *netns_path; /* VXN_NETNS_PATH */
};

/* vxn-monitor beside this vxn (a build tree), else where it is installed
 * (VXN_LIBEXEC_DIR); vxn_path receives this vxn's own path. Create looks
 * before it builds anything. */
int monitor_find(char *vxn_path, size_t vxn_len, char *mon_path, size_t mon_len,
		 struct vxn_err *err) __attribute__((nonnull));

/* Runs in the child forked by create: never returns (it becomes vxn-monitor). */
_Noreturn void monitor_start(const struct monitor_args *a);

#endif
