/* vxn exec: describe the process (from --process, or from the container's
 * own process with the command line's overrides, as runc does), then hand it
 * to an exec client (exec_client.c): this process, or with --detach a child
 * of it that stays behind for the caller to reap. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "exec_client.h"
#include "jsonv.h"
#include "log.h"
#include "plan.h"
#include "pod_member.h"
#include "spec.h"

/* bundle, and where the monitor to ask is: the container's own state
 * directory, or for a pod's app container its sandbox's (*member set). */
static int check_status(const struct vxn_globals *g, const char *id, char *bundle, size_t len,
			char *dir, bool *member, struct vxn_err *err)
{
	struct vxn_state st;
	enum vxn_status s;
	int pid, r;

	if (container_status(g, id, &st, &s, &pid, err))
		return -1;
	snprintf(bundle, len, "%s", st.bundle ? st.bundle : "");
	*member = st.sandbox != NULL;
	r = *member ? member_sandbox_dir(g, &st, dir, PATH_MAX, err)
		    : container_state_dir(g, id, dir, PATH_MAX, err);
	state_free(&st);
	if (r)
		return -1;
	if (s == VXN_STATUS_STOPPED)
		return err_set(err, 0, "cannot exec in a stopped container");
	if (s == VXN_STATUS_PAUSED)
		return err_set(err, 0, "cannot exec in a paused container");
	return 0;
}

static int replace_args(struct vxn_spec *s, char **args, size_t n, struct vxn_err *err)
{
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return err_set(err, ENOMEM, "exec");
	jv_strv_free(s->args, s->nargs);
	s->args = v;
	s->nargs = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(v[i] = strdup(args[i])))
			return err_set(err, ENOMEM, "exec");
		s->nargs = i + 1;
	}
	return 0;
}

/* K=V replaces an entry with the same K, else is appended. */
static int set_env(struct vxn_spec *s, const char *kv, struct vxn_err *err)
{
	size_t klen = strcspn(kv, "=");
	char *dup = strdup(kv);
	char **v;

	if (!dup)
		return err_set(err, ENOMEM, "exec");
	for (size_t i = 0; i < s->nenv; i++) {
		if (strncmp(s->env[i], kv, klen) == 0 && s->env[i][klen] == '=') {
			free(s->env[i]);
			s->env[i] = dup;
			return 0;
		}
	}
	if (!(v = realloc(s->env, (s->nenv + 2) * sizeof(*v)))) {
		free(dup);
		return err_set(err, ENOMEM, "exec");
	}
	s->env = v;
	v[s->nenv++] = dup;
	v[s->nenv] = NULL;
	return 0;
}

static int parse_id(const char *text, const char *end, uint32_t *out)
{
	char *e;

	errno = 0;
	unsigned long v = strtoul(text, &e, 10);
	if (errno || e == text || e != end || v > UINT32_MAX || *text == '-')
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int set_user(struct vxn_spec *s, const char *user, struct vxn_err *err)
{
	const char *colon = strchr(user, ':');
	uint32_t uid, gid = 0;

	if (parse_id(user, colon ? colon : user + strlen(user), &uid) ||
	    (colon && parse_id(colon + 1, colon + 1 + strlen(colon + 1), &gid)))
		return err_set(err, 0, "--user %.64s: must be UID or UID:GID (numbers)", user);
	s->uid = uid;
	s->gid = gid;
	free(s->gids);
	s->gids = NULL;
	s->ngids = 0;
	return 0;
}

static int overrides(const struct vxn_exec_opts *o, struct vxn_spec *s, struct vxn_err *err)
{
	if (!o->process_file && replace_args(s, o->args, o->nargs, err))
		return -1;
	if (!o->process_file) {
		s->terminal = o->tty;
		s->console_rows = s->console_cols = 0;
	} else if (o->tty) {
		s->terminal = true;
	}
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return err_set(err, 0, "--cwd %.64s: must be an absolute path", o->cwd);
		free(s->cwd);
		if (!(s->cwd = strdup(o->cwd)))
			return err_set(err, ENOMEM, "exec");
	}
	for (size_t i = 0; i < o->nenv; i++)
		if (!strchr(o->env[i], '=') || o->env[i][0] == '=')
			return err_set(err, 0, "--env %.64s: must be KEY=VALUE", o->env[i]);
		else if (set_env(s, o->env[i], err))
			return -1;
	return o->user ? set_user(s, o->user, err) : 0;
}

static int describe(const char *bundle, const struct vxn_exec_opts *o, struct vxn_spec *s,
		    uint8_t **buf, size_t *len, struct vxn_err *err)
{
	struct vxn_launch l;
	int r;

	if (o->process_file ? spec_load_process(o->process_file, s, err) : spec_load(bundle, s, err))
		return -1;
	if (overrides(o, s, err))
		return -1;
	memset(&l, 0, sizeof(l));
	if (plan_launch_process(s, &l, err)) {
		vxn_launch_free(&l);
		return -1;
	}
	r = vxn_launch_encode(&l, buf, len);
	vxn_launch_free(&l);
	if (r)
		return err_set(err, -r, "exec: encoding the process");
	if (*len > VXN_FRAME_MAX_PAYLOAD)
		return err_set(err, 0, "exec: the process description takes %zu bytes, at most %u "
			       "fit (fewer or shorter args/env)", *len, VXN_FRAME_MAX_PAYLOAD);
	return 0;
}

static int check_terminal_opts(const struct vxn_exec_opts *o, bool terminal,
			       struct vxn_err *err)
{
	if (terminal && o->detach && !o->console_socket)
		return err_set(err, 0, "exec --detach of a terminal process needs --console-socket");
	if (!terminal && o->console_socket)
		return err_set(err, 0, "--console-socket given but the process has no terminal");
	return 0;
}

/* The parent of a detached client: wait for "S" or "E<text>", then return. */
static int wait_detached(int fd, struct vxn_err *err)
{
	char buf[VXN_ERROR_MAX + 2];
	ssize_t n, got = 0;

	while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			got += n;
	close(fd);
	buf[got] = '\0';
	if (got > 0 && buf[0] == 'S')
		return 0;
	if (got > 1)
		return err_set(err, 0, "exec failed: %s", buf + 1);
	return err_set(err, 0, "exec failed: the process did not start");
}

static int run_detached(struct exec_client_opts *c, struct vxn_err *err)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return err_set(err, errno, "fork");
	}
	if (pid == 0) {
		close(p[0]);
		setsid();  /* its own session: the pty can become its terminal */
		c->notify_fd = p[1];
		exec_client_run(c, err);  /* on failure, "E<text>" went to p[1] */
		_exit(1);
	}
	close(p[1]);
	return wait_detached(p[0], err);
}

/* A pod's app container runs in its sandbox's guest: the process goes into
 * its namespaces there, named by its ID (VXN_F_CTR_EXEC). */
static int wrap_for_member(const char *id, uint8_t **buf, size_t *len, struct vxn_err *err)
{
	uint8_t *w = malloc(VXN_FRAME_MAX_PAYLOAD);
	int n = w ? vxn_ctr_frame_encode(id, *buf, *len, w, VXN_FRAME_MAX_PAYLOAD) : -1;

	if (n < 0) {
		free(w);
		return err_set(err, 0, "exec: the process description does not fit one frame");
	}
	free(*buf);
	*buf = w;
	*len = (size_t)n;
	return 0;
}

int container_exec(const struct vxn_globals *g, const char *id, const struct vxn_exec_opts *o,
		   struct vxn_err *err)
{
	char bundle[PATH_MAX], dir[PATH_MAX];
	struct vxn_spec s;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	bool member = false;
	memset(&s, 0, sizeof(s));
	if (check_status(g, id, bundle, sizeof(bundle), dir, &member, err))
		return -1;
	r = describe(bundle, o, &s, &buf, &len, err);
	if (r == 0 && member)
		r = wrap_for_member(id, &buf, &len, err);
	if (r == 0)
		r = check_terminal_opts(o, s.terminal, err);
	struct exec_client_opts c = {
		.state_dir = dir, .launch = buf, .launch_len = len, .terminal = s.terminal,
		.console_socket = o->console_socket, .rows = s.console_rows,
		.cols = s.console_cols, .pid_file = o->pid_file, .notify_fd = -1, .ready_fd = -1,
		.start_type = member ? VXN_F_CTR_EXEC : VXN_F_EXEC_START,
	};
	if (r == 0)
		r = o->detach ? run_detached(&c, err) : exec_client_run(&c, err);
	free(buf);
	spec_free(&s);
	return r;
}
