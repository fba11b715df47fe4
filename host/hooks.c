/* OCI hooks on the host, with runc's rules: prestart and createRuntime run
 * in create once the pid-file process exists (vxn's monitor, in the
 * container's network namespace), poststart after start, poststop at
 * delete. A hook gets its args as argv (just its path without args) and
 * only its env (runc passes no other), the state on stdin; its output goes
 * to the debug log and its last line into the error. */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jsonv.h"
#include "log.h"
#include "state.h"

#define OUTPUT_MAX 4096

char *hook_state_json(const struct hook_state *st)
{
	yajl_gen g = jg_new(false);

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "ociVersion", st->oci_version ? st->oci_version : "1.0.2");
	jg_kstr(g, "id", st->id);
	jg_kstr(g, "status", st->status);
	if (st->pid > 0)
		jg_kint(g, "pid", st->pid);
	jg_kstr(g, "bundle", st->bundle);
	state_gen_annotations(g, st->annotations, st->nannotations);
	yajl_gen_map_close(g);
	return jg_finish(g);
}

static _Noreturn void hook_child(const struct vxn_hook *h, int in_fd, int out_fd)
{
	char *argv0[] = { h->path, NULL };
	char *envp0[] = { NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	execve(h->path, h->args ? h->args : argv0, h->env ? h->env : envp0);
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Its output until EOF (the tail is kept), or false at the deadline. */
static bool collect(int fd, long long deadline, char *out, size_t *len)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline ? deadline - now_ms() : -1;
		if (deadline && left <= 0)
			return false;
		int r = poll(&p, 1, deadline ? (int)left : -1);
		if (r == 0 || (r < 0 && errno == EINTR))
			continue;  /* the deadline is checked above */
		char chunk[512];
		ssize_t n = r > 0 ? read(fd, chunk, sizeof chunk) : -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;  /* EOF: the hook and its children closed it */
		if (*len + (size_t)n > OUTPUT_MAX)
			*len = 0;  /* keep the tail: errors come last */
		memcpy(out + *len, chunk, (size_t)n);
		*len += (size_t)n;
	}
}

static const char *last_line(char *buf, size_t len)
{
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	char *nl = strrchr(buf, '\n');
	return nl ? nl + 1 : buf;
}

/* The state goes through a pipe whose write end is closed before the hook
 * reads: a state larger than the pipe would need a writer alongside. */
static int feed_state(int fds[2], const char *json, struct vxn_err *err)
{
	size_t len = strlen(json);

	if (pipe2(fds, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	fcntl(fds[1], F_SETPIPE_SZ, (int)(len + 1 > 4096 ? len + 1 : 4096));
	fcntl(fds[1], F_SETFL, O_NONBLOCK);  /* too large: refused, never blocked on */
	if (write(fds[1], json, len) != (ssize_t)len) {
		close(fds[0]);
		close(fds[1]);
		return err_set(err, EMSGSIZE, "the hook state does not fit a pipe");
	}
	close(fds[1]);
	return 0;
}

static int run_one(const struct vxn_hook *h, const char *what, const char *json,
		   struct vxn_err *err)
{
	int in[2], out[2], status = 0;
	char buf[OUTPUT_MAX + 1];
	size_t len = 0;

	if (feed_state(in, json, err))
		return -1;
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		return err_set(err, errno, "pipe");
	}
	pid_t pid = fork();
	if (pid == 0)
		hook_child(h, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(out[0]);
		return err_set(err, errno, "fork");
	}
	bool done = collect(out[0], h->timeout_s ? now_ms() + h->timeout_s * 1000LL : 0, buf, &len);
	close(out[0]);
	if (!done)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (len)
		log_debug("%s %s: %.*s", what, h->path, (int)len, buf);
	if (!done)
		return err_set(err, ETIMEDOUT, "%s hook %s: timed out after %u s", what, h->path,
			       h->timeout_s);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, 0, "%s hook %s failed (%s %d): %s", what, h->path,
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			       last_line(buf, len));
	return 0;
}

int hooks_run(const struct vxn_spec *s, enum vxn_hook_kind kind, const struct hook_state *st,
	      struct vxn_err *err)
{
	const struct vxn_hook_list *l = &s->hooks[kind];
	int r = 0;

	if (l->n == 0)
		return 0;
	char *json = hook_state_json(st);
	if (!json)
		return err_set(err, ENOMEM, "the hook state");
	for (size_t i = 0; i < l->n && r == 0; i++) {
		log_debug("running %s hook %s", spec_hook_kinds[kind], l->v[i].path);
		r = run_one(&l->v[i], spec_hook_kinds[kind], json, err);
	}
	free(json);
	return r;
}
