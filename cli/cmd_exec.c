/* vxn exec [--process FILE | ARGS...] [flags] ID: another process in a
 * running container, its stdio relayed by this process (or by a child left
 * behind with --detach), which exits with the process's wait status. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define EXEC_ENV_MAX 1024

enum { OPT_PROCESS = 256, OPT_CONSOLE, OPT_PID_FILE, OPT_CWD, OPT_NO_NEW_PRIVS,
       OPT_PRESERVE_FDS, OPT_CAP, OPT_LABEL, OPT_APPARMOR, OPT_CGROUP, OPT_IGNORE_PAUSED };

static const struct option exec_opts[] = {
	{ "process", required_argument, NULL, 'p' },
	{ "tty", no_argument, NULL, 't' },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "detach", no_argument, NULL, 'd' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "env", required_argument, NULL, 'e' },
	{ "user", required_argument, NULL, 'u' },
	/* accepted like runc's, nothing to do in a guest of its own */
	{ "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
	{ "cap", required_argument, NULL, OPT_CAP },
	{ "process-label", required_argument, NULL, OPT_LABEL },
	{ "apparmor", required_argument, NULL, OPT_APPARMOR },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ 0 },
};

static int parse_flag(int c, struct vxn_exec_opts *o, char **env, struct vxn_err *err)
{
	switch (c) {
	case 'p': o->process_file = optarg; break;
	case 't': o->tty = true; break;
	case OPT_CONSOLE: o->console_socket = optarg; break;
	case 'd': o->detach = true; break;
	case OPT_PID_FILE: o->pid_file = optarg; break;
	case OPT_CWD: o->cwd = optarg; break;
	case 'u': o->user = optarg; break;
	case 'e':
		if (o->nenv >= EXEC_ENV_MAX)
			return cli_usage(err, "exec: too many --env");
		env[o->nenv++] = optarg;
		break;
	case OPT_PRESERVE_FDS:
		if (strcmp(optarg, "0"))
			return err_set(err, 0, "--preserve-fds: passing extra fds into a Xen guest "
				       "is not supported");
		break;
	case OPT_NO_NEW_PRIVS: case OPT_CAP: case OPT_LABEL: case OPT_APPARMOR: case OPT_CGROUP:
		break;
	default:
		return -3;
	}
	return 0;
}

int cmd_exec(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static char *env[EXEC_ENV_MAX];
	struct vxn_exec_opts o = { .env = env };
	int c, r;

	while ((c = getopt_long(argc, argv, "+p:tde:u:", exec_opts, NULL)) != -1)
		if ((r = parse_flag(c, &o, env, err)) == -3)
			return cli_bad_flag(argc, argv, err);
		else if (r < 0)
			return r;
	if (optind >= argc)
		return cli_usage(err, "exec: missing container ID");
	const char *id = argv[optind];
	o.args = argv + optind + 1;
	o.nargs = (size_t)(argc - optind - 1);
	if (!o.process_file && o.nargs == 0)
		return cli_usage(err, "exec: give --process FILE or the command to run");
	if (o.process_file && o.nargs)
		return cli_usage(err, "exec: --process and a command cannot go together");
	return container_exec(g, id, &o, err) < 0 ? CLI_ERR : 0;
}
