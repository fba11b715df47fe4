/* The verbs that take an ID and nothing else: start (unpause the guest;
 * guest-init then runs the entrypoint), pause (freeze the guest: state says
 * "paused") and resume (unpause it: signals queued meanwhile arrive now). */
#include <getopt.h>

#include "cli.h"

typedef int (*container_op)(const struct vxn_globals *g, const char *id, struct vxn_err *err);

static int id_verb(const struct vxn_globals *g, int argc, char **argv, container_op op,
		   struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	const char *id;
	int r;

	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	return op(g, id, err) < 0 ? CLI_ERR : 0;
}

int cmd_start(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	return id_verb(g, argc, argv, container_start, err);
}

int cmd_pause(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	return id_verb(g, argc, argv, container_pause, err);
}

int cmd_resume(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	return id_verb(g, argc, argv, container_resume, err);
}
