/* What vxn records about one container in ROOT/ID/state.json (written to a
 * temporary file then renamed). The status is never stored: container.c
 * derives it each time from this record, the monitor's liveness and Xen. */
#ifndef VXN_STATE_H
#define VXN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "error.h"
#include "spec.h"

struct vxn_state {
	char *id;
	char *bundle;
	char *rootfs;                 /* absolute */
	char *created;                /* RFC3339 with nanoseconds, UTC */
	char *owner;                  /* "" like runc */
	struct vxn_annotation *annotations;
	size_t nannotations;
	int monitor_pid;
	unsigned long long monitor_start;  /* field 22 of /proc/PID/stat: tells pid reuse apart */
	char *domain_name;
	uint32_t domid;
	/* A pod's app container (host/pod_member.c): it runs in the guest of
	 * the sandbox container of this ID, and monitor_pid is its pod client
	 * (the pid-file process), not a monitor. NULL for any other container. */
	char *sandbox;
	char *pod_entry;              /* "c<N>": the prefix of its entries in the pod share */
};

int state_write(const char *state_dir, const struct vxn_state *st, struct vxn_err *err);
int state_read(const char *state_dir, struct vxn_state *st, struct vxn_err *err);
void state_free(struct vxn_state *st);

/* "annotations": {...} into an open map of g, nothing when n is 0: the
 * state's and the hooks' state JSON alike. */
void state_gen_annotations(yajl_gen g, const struct vxn_annotation *a, size_t n);

/* runc's `state` JSON for this container (malloc'd): ociVersion, id, pid, status,
 * bundle, rootfs, created, owner, annotations. pid 0 is written as 0 (stopped). */
char *state_to_oci_json(const struct vxn_state *st, const char *status, int pid);

/* Field 22 of /proc/PID/stat, or 0 if the process does not exist. */
unsigned long long proc_start_time(int pid);

#endif
