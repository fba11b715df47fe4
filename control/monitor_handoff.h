/* What create's forked child (monitor_start.c, in vxn, with libxl) hands to
 * vxn-monitor (monitor.c, without libxl) when it execs it, once the domain
 * is built: one fixed-size record, then a pool guest's launch data, in a
 * memfd whose number is vxn-monitor's only argument. Both sides are built
 * from the same tree; the magic and the size catch a mismatched pair. */
#ifndef VXN_MONITOR_HANDOFF_H
#define VXN_MONITOR_HANDOFF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

#define MONITOR_HANDOFF_MAGIC "vxn-monitor/1"

struct monitor_handoff {
	char magic[16];
	uint32_t size;           /* sizeof(struct monitor_handoff) */
	uint32_t domid;
	uint32_t launch_len;     /* bytes after the record: a pool guest's launch data */
	int32_t ready_fd;        /* create's socket (above) */
	int32_t lock_fd;         /* the state dir's flock */
	int32_t loop_fd;         /* the root disk's loop device, detached at the end */
	uint8_t pooled;          /* a warm pool guest, running, its disk attached */
	uint8_t terminal;        /* process.terminal */
	uint8_t log_json;        /* --log-format json */
	uint8_t debug;           /* --debug */
	uint8_t net_wait;        /* send the guest create's NET frame (monitor.h) */
	uint8_t pad[3];
	uint16_t rows, cols;     /* the terminal's first size, 0: none */
	int64_t t0_sec, t0_nsec; /* when the monitor began (CLOCK_MONOTONIC) */
	int64_t exec_sec, exec_nsec; /* when it exec'd vxn-monitor */
	char id[ID_MAX + 1];
	char domain_name[ID_MAX + 8];  /* "vxn-<id>" */
	char state_dir[PATH_MAX];
	char pid_file[PATH_MAX];       /* "": none */
	char console_socket[PATH_MAX]; /* terminal mode: where the pty master goes */
	char log_path[PATH_MAX];       /* --log, "": the state dir's monitor.log */
	char vxn_path[PATH_MAX];       /* the vxn that destroys the domain at the end */
};

/* What the monitor tells create once, over ready_fd. */
struct monitor_ready {
	uint32_t ok;            /* 1: the domain exists, paused; 0: err says why */
	uint32_t domid;
	struct vxn_err err;
};

/* vxn-monitor's exit status when its handoff is unreadable or from another
 * build, before any report to create. */
#define MONITOR_EXIT_BAD_HANDOFF 125

/* Files the monitor writes in the state directory. */
#define MONITOR_LOG "monitor.log"
#define MONITOR_CONSOLE_LOG "console.log"
#define MONITOR_EXIT_STATUS "exit-status"
#define MONITOR_ERROR "error"
/* guest-init exec'd the container's own process (VXN_F_EXEC_STARTED on
 * stream 0): what `start` waits for */
#define MONITOR_PROCESS_STARTED "process-started"
/* Written by create before its confirmation when the container has a network
 * namespace: the NET frame's payload (struct vxn_net), which the monitor
 * queues for the guest after the launch data. */
#define MONITOR_NET_FILE "net"
/* Written beside it when the container's /etc/resolv.conf was copied into
 * the root disk: the engine's file as its hooks left it, which the monitor
 * sends after NET (VXN_F_RESOLV_CONF). */
#define MONITOR_RESOLV_FILE "resolv.conf"
/* Written by `vxn monitor-net-sync` (host/netplug.c) for the monitor that
 * ran it: the NET_ADD frames (header and struct vxn_net) of the NICs it
 * hot-plugged, as they go on the channel. */
#define MONITOR_NET_ADDED "net-added"
#define MONITOR_NET_ADDED_MAX 8u  /* payloads in the file at most */

/* Copies src into a field of the record; -1 with err when it does not fit. */
int handoff_set(char *field, size_t cap, const char *src, const char *what,
		struct vxn_err *err);

/* A memfd (inherited across exec) holding h and the launch data, positioned
 * at its start; -1 with err. */
int handoff_to_memfd(const struct monitor_handoff *h, const uint8_t *launch,
		     struct vxn_err *err);

/* Reads and checks the record (magic, size, every string terminated, fds,
 * launch data within VXN_POOL_LAUNCH_MAX); *launch is malloc'd, NULL when
 * there is none. */
int handoff_read(int fd, struct monitor_handoff *h, uint8_t **launch, struct vxn_err *err);

/* The monitor's log, the same before and after the exec and for its
 * teardown child: --log when given, else STATE_DIR/monitor.log ("" when
 * that does not fit buf: opening it fails). */
const char *monitor_log_path(const char *log_path, const char *state_dir, char *buf,
			     size_t len);

/* The start of the argv of a vxn the monitor runs (its teardown, a network
 * sync): "vxn --log LOG [--log-format=json] [--debug]", into argv (room
 * for 5), LOG in log_buf; the count. The verb and its arguments follow. */
int monitor_vxn_argv(const struct monitor_handoff *h, const char **argv, char *log_buf,
		     size_t log_cap);

/* One struct monitor_ready (above) to create: err NULL for ok. false
 * when create is gone (killed): nobody will record this container. */
bool monitor_tell_create(int ready_fd, uint32_t domid, const struct vxn_err *err);

#endif
