/* The container lifecycle: what each CLI verb calls. Everything that needs Xen
 * goes through xen.h; this layer owns the state directory and the monitor. */
#ifndef VXN_CONTAINER_H
#define VXN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "state.h"

struct vxn_globals {
	const char *root;        /* --root, default from config (/run/vxn) */
	const char *log_path;    /* --log, NULL: stderr */
	bool log_json;           /* --log-format json */
	bool debug;
	const char *config_path; /* NULL: config_load default */
};

struct vxn_create_opts {
	const char *bundle;          /* NULL: current directory */
	const char *pid_file;        /* NULL: none */
	const char *console_socket;  /* NULL: none */
	/* An EROFS image of the bundle's rootfs, made and kept by the caller
	 * (vdkr: one per image), attached read-only in place of a root disk
	 * of the container's own when its plan allows (plan_use_shared_image).
	 * NULL: none. The library's callers only: no verb takes it. */
	const char *root_image;
};

enum vxn_status {
	VXN_STATUS_CREATING,
	VXN_STATUS_CREATED,
	VXN_STATUS_RUNNING,
	VXN_STATUS_PAUSED,
	VXN_STATUS_STOPPED,
};

const char *status_name(enum vxn_status s);

/* The container's pid-file process (its monitor, or a pod container's
 * client: state.json's monitor_pid) still runs: pid and start time match. */
bool container_pid_alive(const struct vxn_state *st);
/* In the state directory once `start` has begun: created vs running. */
#define STARTED_MARK "started"
/* Waits up to ms for it to end: false when it still runs. */
bool container_pid_wait_gone(const struct vxn_state *st, int ms);

/* create: leaves the monitor running (a child of the caller); *monitor_pid
 * set when not NULL. On failure nothing is left behind. */
int container_create(const struct vxn_globals *g, const char *id,
		     const struct vxn_create_opts *o, pid_t *monitor_pid, struct vxn_err *err);
int container_start(const struct vxn_globals *g, const char *id, struct vxn_err *err);
/* run's start: on failure the container is deleted (monitor: the caller's
 * child from container_create, reaped; SIGCHLD is ignored from then on). */
int container_start_or_delete(const struct vxn_globals *g, const char *id, pid_t monitor,
			      struct vxn_err *err);
int container_kill(const struct vxn_globals *g, const char *id, int signo, bool all,
		   struct vxn_err *err);
int container_delete(const struct vxn_globals *g, const char *id, bool force,
		     struct vxn_err *err);
/* vxn-monitor's end (`vxn monitor-teardown`): destroy domid if it still
 * has that name, then detach the loop device held on loop_fd. */
int container_teardown_domain(uint32_t domid, const char *name, int loop_fd,
			      struct vxn_err *err);
/* ROOT/ID, the ID validated. */
int container_state_dir(const struct vxn_globals *g, const char *id, char *out, size_t len,
			struct vxn_err *err);

struct vxn_exec_opts {
	const char *process_file;    /* --process: an OCI process JSON; else args */
	char **args;
	size_t nargs;
	bool tty;                    /* --tty */
	const char *console_socket;
	bool detach;
	const char *pid_file;
	const char *cwd;             /* NULL: the process's */
	char **env;                  /* K=V, replacing the same K */
	size_t nenv;
	const char *user;            /* "UID[:GID]", NULL: the process's */
};

/* exec (container_exec.c): a new process in the running container. Without
 * detach it never returns once the process started (exits with its wait
 * status); with detach it returns 0 once a child of ours relays it. */
int container_exec(const struct vxn_globals *g, const char *id, const struct vxn_exec_opts *o,
		   struct vxn_err *err);
/* ps (container_ps.c): the guest's processes as "PID USER CMD" lines
 * (malloc'd, validated), or the host pids (monitor, exec clients). */
int container_ps_text(const struct vxn_globals *g, const char *id, char **text,
		      struct vxn_err *err);
int container_ps_pids(const struct vxn_globals *g, const char *id, int *pids, size_t cap,
		      size_t *n, struct vxn_err *err);
/* The guest's own view of itself (memory after ballooning, processes, online
 * CPUs), asked of guest-init through the monitor; only for a running guest. */
struct vxn_guest_stats;  /* proto/vxn-proto.h */
int container_guest_stats(const struct vxn_globals *g, const char *id,
			  struct vxn_guest_stats *gs, struct vxn_err *err);
/* Day-2 operations (container_ops.c). */
int container_pause(const struct vxn_globals *g, const char *id, struct vxn_err *err);
int container_resume(const struct vxn_globals *g, const char *id, struct vxn_err *err);

struct vxn_update {
	uint64_t memory_bytes;  /* 0: unchanged; the balloon target */
	unsigned vcpus;         /* 0: unchanged; vcpus online */
};
int container_update(const struct vxn_globals *g, const char *id,
		     const struct vxn_update *u, struct vxn_err *err);

struct vxn_stats {
	uint32_t domid;
	enum vxn_status status;
	uint64_t cpu_time_ns;
	uint64_t memory_kib, memory_max_kib;
	unsigned vcpus_online, vcpus_max;
};
int container_stats(const struct vxn_globals *g, const char *id, struct vxn_stats *s,
		    struct vxn_err *err);

/* Reads state.json and derives the status; *pid is the monitor's pid, or 0 when stopped. */
int container_status(const struct vxn_globals *g, const char *id, struct vxn_state *st,
		     enum vxn_status *status, int *pid, struct vxn_err *err);

#endif
