/* vxn pool fill N | drain | list: the warm pool (pool.h). Not a runc verb:
 * engines never call it; an administrator (or a boot script) does. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pool.h"
#include "util.h"

static int parse_size(const char *s, unsigned *size, struct vxn_err *err)
{
	uint64_t v;

	if (!s || parse_decimal(s, &v) || v > POOL_MAX)
		return cli_usage(err, "pool fill: size must be a number from 0 to %u", POOL_MAX);
	*size = (unsigned)v;
	return 0;
}

int cmd_pool(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	unsigned size = 0;

	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	int left = argc - optind;
	const char *sub = left > 0 ? argv[optind] : NULL;
	if (sub && strcmp(sub, "fill") == 0 && left == 2) {
		if (parse_size(argv[optind + 1], &size, err))
			return CLI_USAGE;
		return pool_fill(g, size, err) ? CLI_ERR : 0;
	}
	if (sub && strcmp(sub, "drain") == 0 && left == 1)
		return pool_drain(g, err) ? CLI_ERR : 0;
	if (sub && strcmp(sub, "list") == 0 && left == 1)
		return pool_print(g, stdout, err) ? CLI_ERR : 0;
	return cli_usage(err, "pool: expected fill N, drain or list");
}
