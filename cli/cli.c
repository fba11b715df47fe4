/* Helpers every verb shares. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

int cli_usage(struct vxn_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	err->errnum = 0;
	return CLI_USAGE;
}

int cli_bad_flag(int argc, char **argv, struct vxn_err *err)
{
	const char *flag = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	return cli_usage(err, "%s: unknown flag or missing value: '%.64s'", argv[0], flag);
}

int cli_one_id(int argc, char **argv, const char **id, struct vxn_err *err)
{
	if (optind >= argc)
		return cli_usage(err, "%s: missing container ID", argv[0]);
	if (optind + 1 < argc)
		return cli_usage(err, "%s: unexpected argument '%.64s'", argv[0], argv[optind + 1]);
	*id = argv[optind];
	return id_validate(*id, err) < 0 ? CLI_ERR : 0;
}

int cli_state_root(const struct vxn_globals *g, const char **root, char **owned,
		   struct vxn_err *err)
{
	*owned = NULL;
	if (g->root) {
		*root = g->root;
		return 0;
	}
	struct vxn_config c;
	if (config_load(g->config_path, &c, err) < 0)
		return CLI_ERR;
	*owned = c.state_root;
	c.state_root = NULL;
	config_free(&c);
	*root = *owned;
	return 0;
}
