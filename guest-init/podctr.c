#include "podctr.h"

#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cgroup.h"
#include "podlaunch.h"
#include "podns.h"
#include "sessions.h"

static struct session *running_ctr(struct relay *r, const char *name)
{
	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++) {
		struct session *s = &r->s[i];
		if (s->used && s->ctr && !s->exited && strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static void name_session(struct session *s, const char *name, bool ctr, bool own_pid_ns)
{
	if (!s)
		return;
	strcpy(s->name, name);  /* both VXN_CTR_NAME_MAX + 1 */
	s->ctr = ctr;
	s->own_pid_ns = own_pid_ns;
}

/* The container's cgroup with its limits, or -1: then *why when it has
 * limits (a guest without cgroups cannot keep them), else none is needed.
 * Once cgroups are in use, one without limits gets a cgroup too, so a
 * restart under the same name never leaves its execs in the old limits. */
static int ctr_cgroup(const char *name, const struct vxn_launch *l, struct vxn_err *err,
		      const char **why)
{
	bool limits = l->memory_max || l->cpu_quota_us;

	*why = NULL;
	if (!limits && !cgroup_in_use())
		return -1;
	int fd = cgroup_for_ctr(name, l, err);
	if (fd < 0 && limits)
		*why = err->msg;
	return fd;
}

/* l has passed podlaunch_check: its mounts[0] is root, the place's. */
static int ctr_start(struct relay *r, uint16_t stream, const char *name,
		     const struct vxn_launch *l, const char *root)
{
	struct proc_place place = { .root = root, .mnt_fd = -1, .own = true, .cgroup_fd = -1 };
	struct vxn_launch rest = *l;
	struct vxn_err err = { 0 };
	struct session *s;
	const char *why;
	int saved = -1;

	place.cgroup_fd = ctr_cgroup(name, l, &err, &why);
	if (why)
		return session_refusef(r, stream, "container %s: its limits: %s", name, why);

	rest.mounts++;
	rest.nmounts--;
	/* dom0's bind makes it read-only; the guest's says so at once */
	rest.root_readonly = l->root_readonly || (l->mounts[0].flags & MS_RDONLY);
	if (l->pid_namespace && podns_pid_new(&saved, &err) != 0) {
		if (place.cgroup_fd >= 0)
			close(place.cgroup_fd);
		return session_refusef(r, stream, "container %s: %s", name, err.msg);
	}
	int k = session_start(r, stream, &rest, &place, &s);
	podns_pid_restore(saved);
	if (place.cgroup_fd >= 0)
		close(place.cgroup_fd);
	name_session(s, name, true, l->pid_namespace);
	return k;
}

int session_ctr_start(struct relay *r, uint16_t stream, const uint8_t *p, size_t len)
{
	char root[sizeof(VXN_SHARE_DIR) + 2 * VXN_SHARE_TAG_MAX + 2];
	struct vxn_ctr_frame f;
	struct vxn_launch l;
	const char *why;

	if (!session_answer_room(r))
		return 0;
	if ((why = session_cannot_start(r, stream)))
		return session_refusef(r, stream, "container: %s", why);
	if (vxn_ctr_frame_decode(p, len, &f) != 0)
		return session_refusef(r, stream, "container: malformed start");
	if (!r->pod_share)
		return session_refusef(r, stream, "container %s: not a pod's guest (no share %s)",
				       f.name, VXN_POD_SHARE_TAG);
	if (running_ctr(r, f.name))
		return session_refusef(r, stream, "container %s: already running", f.name);
	if (vxn_launch_decode(f.launch, f.launch_len, &l) != 0)
		return session_refusef(r, stream, "container %s: malformed launch", f.name);
	int k = podlaunch_check(&l, root, sizeof root, &why) != 0
		? session_refusef(r, stream, "container %s: %s", f.name, why)
		: ctr_start(r, stream, f.name, &l, root);
	vxn_launch_free(&l);
	return k;
}

/* In c's mount namespace (where GUEST_ROOT is c's root) and PID namespace. */
static int ctr_exec(struct relay *r, uint16_t stream, const struct session *c,
		    const struct vxn_launch *l)
{
	char name[VXN_CTR_NAME_MAX + 1];
	struct vxn_err err = { 0 };
	struct session *s;
	int saved = -1;

	strcpy(name, c->name);
	struct proc_place place = { .root = NULL, .mnt_fd = podns_mnt_open(c->proc.pid, &err),
				    .cgroup_fd = cgroup_of_ctr(c->name) };
	if (place.mnt_fd < 0 || podns_pid_join(c->proc.pid, &saved, &err) != 0) {
		if (place.mnt_fd >= 0)
			close(place.mnt_fd);
		if (place.cgroup_fd >= 0)
			close(place.cgroup_fd);
		return session_refusef(r, stream, "exec in %s: %s", name, err.msg);
	}
	int k = session_start(r, stream, l, &place, &s);
	podns_pid_restore(saved);
	close(place.mnt_fd);
	if (place.cgroup_fd >= 0)
		close(place.cgroup_fd);
	name_session(s, name, false, false);
	return k;
}

int session_ctr_exec(struct relay *r, uint16_t stream, const uint8_t *p, size_t len)
{
	struct vxn_ctr_frame f;
	struct vxn_launch l;
	struct session *c;
	const char *why;

	if (!session_answer_room(r))
		return 0;
	if ((why = session_cannot_start(r, stream)))
		return session_refusef(r, stream, "exec: %s", why);
	if (vxn_ctr_frame_decode(p, len, &f) != 0)
		return session_refusef(r, stream, "exec: malformed start");
	if (!(c = running_ctr(r, f.name)))
		return session_refusef(r, stream, "exec in %s: no such container running", f.name);
	if (vxn_launch_decode(f.launch, f.launch_len, &l) != 0)
		return session_refusef(r, stream, "exec in %s: malformed process description",
				       f.name);
	/* an exec joins its container's namespaces, makes none */
	l.pid_namespace = false;
	int k = ctr_exec(r, stream, c, &l);
	vxn_launch_free(&l);
	return k;
}

void podctr_exited(struct relay *r, const struct session *s)
{
	if (!s->ctr)
		return;
	/* its own namespace ended with it: the kernel killed the rest */
	if (!s->own_pid_ns)
		kill(-s->proc.pid, SIGKILL);
	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++) {
		const struct session *e = &r->s[i];
		if (e->used && !e->exited && !e->ctr && strcmp(e->name, s->name) == 0)
			kill(-e->proc.pid, SIGKILL);  /* setsid: its group */
	}
}
