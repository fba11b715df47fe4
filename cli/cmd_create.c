/* vxn create: build the container's guest, paused; the monitor stays behind
 * as this process's child (its pid goes to --pid-file). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE_FDS };

static const struct option create_opts[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ 0 },
};

/* Extra fds cannot be handed to a process in another kernel. */
static int preserve_fds(const char *v, struct vxn_err *err)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 0)
		return cli_usage(err, "create: --preserve-fds: must be a number");
	if (n > 0)
		return err_set(err, 0, "--preserve-fds %ld: passing extra fds into a Xen guest is not supported", n);
	return 0;
}

int cmd_create(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	struct vxn_create_opts o = { 0 };
	const char *id;
	int c, r;
	while ((c = getopt_long(argc, argv, "+b:", create_opts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case OPT_PID_FILE: o.pid_file = optarg; break;
		case OPT_CONSOLE: o.console_socket = optarg; break;
		case OPT_NO_PIVOT: /* the guest's root is mounted, not pivoted from a host root */
		case OPT_NO_KEYRING: break; /* the guest kernel has its own keyrings */
		case OPT_PRESERVE_FDS:
			if ((r = preserve_fds(optarg, err)) < 0)
				return r;
			break;
		default: return cli_bad_flag(argc, argv, err);
		}
	}
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	return container_create(g, id, &o, NULL, err) < 0 ? CLI_ERR : 0;
}
