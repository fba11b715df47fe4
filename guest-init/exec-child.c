/* The child between fork and execve: it reports a failure and _exits, never returns. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "mounts.h"
#include "paths.h"
#include "privileges.h"


static void __attribute__((noreturn))
report(int fd, int status, const char *fmt, ...)
{
	struct exec_report rep = { .status = status };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep.text, sizeof rep.text, fmt, ap);
	va_end(ap);
	ssize_t r = write(fd, &rep, sizeof rep);
	(void)r;
	_exit(status);
}

/* init blocks SIGCHLD and ignores SIGPIPE; both survive execve otherwise. */
static void reset_signals(void)
{
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int setup_stdio(const struct vxn_launch *l, const struct child_stdio *c)
{
	if (l->terminal && ioctl(c->fd[0], TIOCSCTTY, 0) != 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (dup2(c->fd[i], i) < 0)
			return -1;
	/* everything else init holds (channel, signalfd, pipes) must not leak */
	return close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
}

static int set_rlimits(const struct vxn_launch *l)
{
	for (uint32_t i = 0; i < l->nrlimits; i++) {
		struct rlimit r = { l->rlimits[i].soft, l->rlimits[i].hard };
		if (setrlimit((int)l->rlimits[i].type, &r) != 0)
			return -1;
	}
	return 0;
}

/* The user, then the spec's capabilities (privileges.h). */
static void drop_privileges(const struct vxn_launch *l, int fd)
{
	const char *what = "";

	if (setgroups(l->ngids, l->gids) != 0)
		report(fd, 255, "setgroups: %s", strerror(errno));
	if (setgid(l->gid) != 0)
		report(fd, 255, "setgid %u: %s", l->gid, strerror(errno));
	if (setuid(l->uid) != 0)
		report(fd, 255, "setuid %u: %s", l->uid, strerror(errno));
	if (privileges_after_user(l, &what) != 0)
		report(fd, 255, "%s: %s", what, strerror(errno));
}

/* A terminal's pty, as a path in this mount namespace: the pty comes from
 * the sandbox's devpts (exec.c opens it before the fork), whose mount in
 * guest-init's namespace cannot be bound into another one (EINVAL). Its
 * copy in a new namespace can, also once the container's root covers it. */
static int open_tty_here(struct vxn_err *err)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/fd/0", path, sizeof path - 1);

	if (n < 0)
		return err_set(err, errno, "the terminal's path");
	path[n] = '\0';
	int fd = open(path, O_PATH | O_CLOEXEC);
	return fd >= 0 ? fd : err_set(err, errno, "the terminal %s", path);
}

/* A pod's other container: its own mount namespace, where its root is
 * stacked over the sandbox's at GUEST_ROOT (so the rest goes on as for the
 * main container), or the one of the container an exec joins. *tty: the
 * terminal's pty in the new namespace (open_tty_here), or stays -1. */
static int enter_place(const struct proc_place *pl, const struct vxn_launch *l, int *tty,
		       struct vxn_err *err)
{
	if (pl->mnt_fd >= 0)
		return setns(pl->mnt_fd, CLONE_NEWNS) == 0 ? 0 :
		       err_set(err, errno, "join the container's mount namespace");
	if (unshare(CLONE_NEWNS) != 0)
		return err_set(err, errno, "a mount namespace of its own");
	/* nothing it mounts may reach guest-init's namespace */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return err_set(err, errno, "make / private");
	if (l->terminal && (*tty = open_tty_here(err)) < 0)
		return -1;
	if (mount(pl->root, GUEST_ROOT, NULL, MS_BIND | MS_REC, NULL) != 0)
		return err_set(err, errno, "bind the container's root");
	return mount_container(l, err);
}

/* The pty on /dev/console: what runc gives a terminal container. Through
 * /proc/self/fd/N (tty, else stdin by now), which names the pty whatever
 * its number in the container's devpts. */
static int bind_console(int tty, struct vxn_err *err)
{
	static const char console[] = GUEST_ROOT "/dev/console";
	char source[32];
	int fd = open(console, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST)
		return err_set(err, errno, "create /dev/console");
	snprintf(source, sizeof source, "/proc/self/fd/%d", tty >= 0 ? tty : 0);
	if (mount(source, console, NULL, MS_BIND, NULL) != 0)
		return err_set(err, errno, "bind the terminal on /dev/console");
	return 0;
}

void exec_child(const struct vxn_launch *l, const struct proc_place *place,
		const struct child_stdio *c, int fd)
{
	char path[PATH_MAX];
	char text[VXN_ERROR_MAX];

	reset_signals();
	if (place && place->cgroup_fd >= 0 && cgroup_join(place->cgroup_fd) != 0)
		report(fd, 255, "join the container's cgroup: %s", strerror(errno));
	if (setsid() < 0 || setup_stdio(l, c) != 0)
		report(fd, 255, "stdio: %s", strerror(errno));
	struct vxn_err err = { 0 };
	int tty = -1;
	if (place && (place->root || place->mnt_fd >= 0) && enter_place(place, l, &tty, &err) != 0)
		report(fd, 255, "%s", err.msg);
	if (l->pid_namespace && mount_process_entries(l, &err) != 0)
		report(fd, 255, "%s", err.msg);
	if (place && place->own &&
	    (protect_paths(l, &err) != 0 || (l->terminal && bind_console(tty, &err) != 0)))
		report(fd, 255, "%s", err.msg);
	if (set_rlimits(l) != 0)
		report(fd, 255, "setrlimit: %s", strerror(errno));
	/* before the chroot: oom_score_adj is written through init's /proc */
	const char *what = "";
	if (privileges_before_user(l, &what) != 0)
		report(fd, 255, "%s: %s", what, strerror(errno));
	if (chroot(GUEST_ROOT) != 0 || chdir("/") != 0)
		report(fd, 255, "chroot: %s", strerror(errno));
	if (chdir(l->cwd) != 0)
		report(fd, 255, "chdir to cwd (\"%s\"): %s", l->cwd, strerror(errno));
	drop_privileges(l, fd);
	umask(l->umask >= 0 ? (mode_t)l->umask : 022);
	int r = exec_lookup(l->args[0], l->env, is_executable_file, path, sizeof path);
	if (r != 0) {
		exec_failure_text(l->args[0], -r, true, text, sizeof text);
		report(fd, exec_failure_status(-r), "%s", text);
	}
	execve(path, l->args, l->env);
	int e = errno;
	exec_failure_text(path, e, false, text, sizeof text);
	report(fd, exec_failure_status(e), "%s", text);
}
