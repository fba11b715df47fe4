/* vxn pause ID: freeze the guest (libxl pause); state then says "paused". */
#include <getopt.h>

#include "cli.h"

int cmd_pause(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	const char *id;
	int r;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	return container_pause(g, id, err) < 0 ? CLI_ERR : 0;
}
