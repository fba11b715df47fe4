/* vxn kill [--all] ID [SIGNAL]: signal names or numbers, TERM by default. */
#include <getopt.h>

#include "cli.h"
#include "util.h"

int cmd_kill(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { 0 } };
	bool all = false;
	int c;
	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_bad_flag(argc, argv, err);
		all = true;
	}
	if (optind >= argc)
		return cli_usage(err, "kill: missing container ID");
	if (argc - optind > 2)
		return cli_usage(err, "kill: unexpected argument '%.64s'", argv[optind + 2]);
	const char *id = argv[optind];
	if (id_validate(id, err) < 0)
		return CLI_ERR;
	int signo = signal_parse(argc - optind == 2 ? argv[optind + 1] : "TERM", err);
	if (signo < 0)
		return CLI_ERR;
	return container_kill(g, id, signo, all, err) < 0 ? CLI_ERR : 0;
}
