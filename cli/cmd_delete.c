/* vxn delete [--force] ID: only a stopped container unless --force. */
#include <getopt.h>

#include "cli.h"

int cmd_delete(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	bool force = false;
	const char *id;
	int c, r;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_bad_flag(argc, argv, err);
		force = true;
	}
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	return container_delete(g, id, force, err) < 0 ? CLI_ERR : 0;
}
