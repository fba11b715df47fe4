/* vxn run: create + start, then wait for the monitor (our child) and exit
 * with the container's status: exit N -> N, killed by signal S -> 128+S.
 * Signals sent to vxn while it waits are passed on to the container, as
 * runc does for a non-terminal run. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "log.h"

static volatile sig_atomic_t pending_signal;

static void on_signal(int signo)
{
	pending_signal = signo;
}

/* Installed only after create: the monitor is forked inside create and
 * must keep the default dispositions. No SA_RESTART: waitpid wakes up. */
static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

static int wait_container(const struct vxn_globals *g, const char *id, pid_t monitor,
			  struct vxn_err *err)
{
	int status;
	for (;;) {
		if (waitpid(monitor, &status, 0) == monitor)
			break;
		if (errno != EINTR)
			return err_set(err, errno, "waiting for the monitor of %s", id);
		int signo = pending_signal;
		pending_signal = 0;
		struct vxn_err kerr = { 0 };
		if (signo && container_kill(g, id, signo, false, &kerr) < 0)
			log_debug("forwarding signal %d: %s", signo, kerr.msg);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return err_set(err, 0, "monitor of %s ended with wait status %#x", id, status);
}

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_RM, OPT_NO_PIVOT, OPT_NO_KEYRING };

static const struct option run_opts[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "detach", no_argument, NULL, 'd' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
	{ 0 },
};

int cmd_run(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	struct vxn_create_opts o = { 0 };
	bool detach = false, rm = false;
	const char *id;
	pid_t monitor = 0;
	int c, r;
	while ((c = getopt_long(argc, argv, "+b:d", run_opts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case OPT_PID_FILE: o.pid_file = optarg; break;
		case OPT_CONSOLE: o.console_socket = optarg; break;
		case 'd': detach = true; break;
		case OPT_RM: rm = true; break;
		case OPT_NO_PIVOT:
		case OPT_NO_KEYRING: break;
		default: return cli_bad_flag(argc, argv, err);
		}
	}
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	if (container_create(g, id, &o, &monitor, err) < 0)
		return CLI_ERR;
	if (container_start_or_delete(g, id, monitor, err) < 0)
		return CLI_ERR;
	if (detach)
		return 0;
	forward_signals();
	int status = wait_container(g, id, monitor, err);
	if (rm) {
		struct vxn_err derr = { 0 };
		if (container_delete(g, id, true, &derr) < 0)
			log_warn("--rm: deleting %s: %s", id, derr.msg);
	}
	return status;
}
