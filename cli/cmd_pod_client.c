/* vxn pod-client --state-dir DIR --gate FIFO --launch-fd N --ready-fd N
 *   [--console-socket PATH] [--terminal --rows R --cols C]: the pid-file
 * process of a pod's app container, started by `vxn create`
 * (host/pod_member.c) as a process of its own so that it holds none of
 * create's memory. Not a runc verb. */
#include <getopt.h>
#include <stdint.h>

#include "cli.h"
#include "log.h"
#include "pod_member.h"
#include "util.h"

enum { OPT_STATE_DIR = 256, OPT_GATE, OPT_LAUNCH_FD, OPT_READY_FD, OPT_CONSOLE, OPT_TERMINAL,
       OPT_ROWS, OPT_COLS };

static int number(const char *s, uint64_t max, uint64_t *v)
{
	return parse_decimal(s, v) || *v > max ? -1 : 0;
}

static int parse_flag(int c, struct member_client_args *a, struct vxn_err *err)
{
	uint64_t v = 0;

	switch (c) {
	case OPT_STATE_DIR: a->state_dir = optarg; return 0;
	case OPT_GATE: a->gate = optarg; return 0;
	case OPT_CONSOLE: a->console_socket = optarg; return 0;
	case OPT_TERMINAL: a->terminal = true; return 0;
	case OPT_LAUNCH_FD: case OPT_READY_FD: case OPT_ROWS: case OPT_COLS:
		break;
	default:
		return -3;
	}
	if (number(optarg, c == OPT_ROWS || c == OPT_COLS ? UINT16_MAX : INT32_MAX, &v))
		return cli_usage(err, "pod-client: invalid number '%.32s'", optarg);
	if (c == OPT_LAUNCH_FD)
		a->launch_fd = (int)v;
	else if (c == OPT_READY_FD)
		a->ready_fd = (int)v;
	else if (c == OPT_ROWS)
		a->rows = (uint16_t)v;
	else
		a->cols = (uint16_t)v;
	return 0;
}

int cmd_pod_client(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "gate", required_argument, NULL, OPT_GATE },
		{ "launch-fd", required_argument, NULL, OPT_LAUNCH_FD },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "terminal", no_argument, NULL, OPT_TERMINAL },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "cols", required_argument, NULL, OPT_COLS },
		{ 0 },
	};
	struct member_client_args a = { .launch_fd = -1, .ready_fd = -1 };
	int c, r;

	(void)g;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		if ((r = parse_flag(c, &a, err)) == -3)
			return cli_bad_flag(argc, argv, err);
		else if (r < 0)
			return r;
	if (optind != argc || !a.state_dir || !a.gate || a.launch_fd < 0 || a.ready_fd < 0)
		return cli_usage(err, "pod-client takes --state-dir, --gate, --launch-fd and "
				 "--ready-fd");
	member_client_run(&a, err);
	/* the log only: this process's stderr is the container's */
	log_error("pod container: %s", err->msg);
	return 1;
}
