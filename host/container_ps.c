/* vxn ps: what the monitor knows (host pids) and what guest-init sees
 * (the guest's processes, read through the channel and checked here). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vxn-proto.h"
#include "container.h"
#include "control.h"
#include "pod_member.h"

#define REPLY_MAX (VXN_FRAME_MAX_PAYLOAD + 16)

static int ask(const struct vxn_globals *g, const char *id, const char *req, char *reply,
	       struct vxn_err *err)
{
	struct vxn_state st;
	enum vxn_status s;
	char dir[PATH_MAX];
	int pid;

	if (container_status(g, id, &st, &s, &pid, err))
		return -1;
	int r = member_refuse(&st, id, strcmp(req, "stats") ? "ps" : "stats", err);
	state_free(&st);
	if (r)
		return -1;
	if (s == VXN_STATUS_STOPPED)
		return err_set(err, 0, "container not running");
	if (container_state_dir(g, id, dir, sizeof(dir), err) ||
	    control_call(dir, req, reply, REPLY_MAX, err) < 0)
		return -1;
	if (strncmp(reply, "error: ", 7) == 0)
		return err_set(err, 0, "%s", reply + 7);
	if (strncmp(reply, "ok", 2))
		return err_set(err, EPROTO, "unexpected reply from the monitor");
	return 0;
}

int container_ps_text(const struct vxn_globals *g, const char *id, char **text,
		      struct vxn_err *err)
{
	char *reply = malloc(REPLY_MAX);

	*text = NULL;
	if (!reply)
		return err_set(err, ENOMEM, "ps");
	if (ask(g, id, "ps", reply, err)) {
		free(reply);
		return -1;
	}
	/* the monitor checked it; so do we, it is about to reach a terminal */
	size_t len = strlen(reply);
	if (len < 3 || reply[2] != '\n' ||
	    vxn_ps_text_check((const uint8_t *)reply + 3, len - 3)) {
		free(reply);
		return err_set(err, EPROTO, "malformed process list");
	}
	memmove(reply, reply + 3, len - 2);
	*text = reply;
	return 0;
}

int container_ps_pids(const struct vxn_globals *g, const char *id, int *pids, size_t cap,
		      size_t *n, struct vxn_err *err)
{
	char reply[REPLY_MAX];
	char *p, *end;

	*n = 0;
	if (ask(g, id, "pids", reply, err))
		return -1;
	for (p = reply + 2; *p && *n < cap; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p || v <= 0 || v > INT_MAX)
			return err_set(err, EPROTO, "unexpected reply from the monitor");
		pids[(*n)++] = (int)v;
	}
	return 0;
}

int container_guest_stats(const struct vxn_globals *g, const char *id,
			  struct vxn_guest_stats *gs, struct vxn_err *err)
{
	char reply[REPLY_MAX];
	unsigned long long total, free_kib, avail;
	unsigned procs, cpus;
	int n = 0;

	memset(gs, 0, sizeof(*gs));
	if (ask(g, id, "stats", reply, err))
		return -1;
	/* the monitor decoded and range-checked the guest's frame */
	if (sscanf(reply, "ok %llu %llu %llu %u %u%n", &total, &free_kib, &avail, &procs, &cpus,
		   &n) != 5 || reply[n] != '\0')
		return err_set(err, EPROTO, "unexpected reply from the monitor");
	*gs = (struct vxn_guest_stats){
		.mem_total_kib = total, .mem_free_kib = free_kib, .mem_available_kib = avail,
		.processes = procs, .cpus_online = cpus,
	};
	return 0;
}
