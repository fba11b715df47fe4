/* Day-2 operations on a live container: pause/resume, update of memory and
 * vcpus, and the numbers behind `events --stats`. Each finds the domain by
 * the name in state.json once the status says it is alive.
 *
 * Signals other than KILL sent to a paused container are queued: the
 * monitor puts them on the channel's ring and guest-init, frozen with its
 * domain, delivers them on resume (as the kernel does for a frozen cgroup).
 * KILL destroys a paused domain at once. */
#include "container.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pod_member.h"
#include "xen.h"

/* Opens Xen and finds the domain of a container whose status is in want
 * (a bit mask of 1 << status); otherwise runc's message for it. verb: what
 * a pod's app container is refused (member_refuse), NULL to take its pod's
 * domain. */
static int live_domain(const struct vxn_globals *g, const char *id, const char *verb,
		       unsigned want, struct xen_ctx **x, uint32_t *domid,
		       enum vxn_status *status, struct vxn_err *err)
{
	struct vxn_state st;
	int pid, r;

	*x = NULL;
	if (container_status(g, id, &st, status, &pid, err))
		return -1;
	if (verb && member_refuse(&st, id, verb, err)) {
		state_free(&st);
		return -1;
	}
	if (!(want & (1u << *status))) {
		state_free(&st);
		if (*status == VXN_STATUS_STOPPED)
			return err_set(err, 0, "container not running");
		if (*status == VXN_STATUS_PAUSED)
			return err_set(err, 0, "container %s is paused", id);
		if (want == 1u << VXN_STATUS_PAUSED)  /* resume */
			return err_set(err, 0, "container not paused");
		return err_set(err, 0, "container %s is %s, not running", id,
			       status_name(*status));
	}
	r = xen_open(x, err) || xen_domid_by_name(*x, st.domain_name, domid, err) ? -1 : 0;
	state_free(&st);
	if (r) {
		xen_close(*x);
		*x = NULL;
	}
	return r;
}

int container_pause(const struct vxn_globals *g, const char *id, struct vxn_err *err)
{
	struct xen_ctx *x;
	enum vxn_status s;
	uint32_t domid;

	if (live_domain(g, id, "pause", 1u << VXN_STATUS_RUNNING, &x, &domid, &s, err))
		return -1;
	int r = xen_pause(x, domid, err);
	xen_close(x);
	return r;
}

int container_resume(const struct vxn_globals *g, const char *id, struct vxn_err *err)
{
	struct xen_ctx *x;
	enum vxn_status s;
	uint32_t domid;

	if (live_domain(g, id, "resume", 1u << VXN_STATUS_PAUSED, &x, &domid, &s, err))
		return -1;
	int r = xen_unpause(x, domid, err);
	xen_close(x);
	return r;
}

int container_update(const struct vxn_globals *g, const char *id,
		     const struct vxn_update *u, struct vxn_err *err)
{
	unsigned alive = 1u << VXN_STATUS_CREATED | 1u << VXN_STATUS_RUNNING |
			 1u << VXN_STATUS_PAUSED;
	struct xen_ctx *x;
	enum vxn_status s;
	uint32_t domid;
	int r = 0;

	if (live_domain(g, id, "update", alive, &x, &domid, &s, err))
		return -1;
	if (u->memory_bytes > 0)
		r = xen_set_memory(x, domid, (u->memory_bytes + 1023) / 1024, err);
	if (r == 0 && u->vcpus > 0)
		r = xen_set_vcpus(x, domid, u->vcpus, err);
	xen_close(x);
	return r;
}

int container_stats(const struct vxn_globals *g, const char *id, struct vxn_stats *out,
		    struct vxn_err *err)
{
	unsigned alive = 1u << VXN_STATUS_CREATED | 1u << VXN_STATUS_RUNNING |
			 1u << VXN_STATUS_PAUSED;
	struct xen_dominfo info;
	struct xen_ctx *x;
	enum vxn_status s;
	uint32_t domid;

	memset(out, 0, sizeof(*out));
	if (live_domain(g, id, NULL, alive, &x, &domid, &s, err))
		return -1;
	int r = xen_domain_info(x, domid, &info, err);
	xen_close(x);
	if (r)
		return -1;
	if (!info.exists)
		return err_set(err, 0, "container not running");
	*out = (struct vxn_stats){
		.domid = domid, .status = s, .cpu_time_ns = info.cpu_time_ns,
		.memory_kib = info.current_kib, .memory_max_kib = info.max_kib,
		.vcpus_online = info.vcpus_online, .vcpus_max = info.vcpus_max,
	};
	return 0;
}
