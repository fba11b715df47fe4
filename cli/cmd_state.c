/* vxn state: runc's state JSON on stdout, the status derived from live facts. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cmd_state(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	struct vxn_state st;
	enum vxn_status status;
	const char *id;
	int pid, r;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	if (container_status(g, id, &st, &status, &pid, err) < 0)
		return CLI_ERR;
	char *json = state_to_oci_json(&st, status_name(status), pid);
	state_free(&st);
	if (!json)
		return err_set(err, ENOMEM, "state");
	fputs(json, stdout);
	free(json);
	return fflush(stdout) == 0 ? 0 : err_set(err, 0, "state: writing to stdout failed");
}
