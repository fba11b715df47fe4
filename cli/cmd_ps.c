/* vxn ps [--format|-f table|json] ID: json is the array of host pids the
 * engines expect (the monitor's and the exec clients': guest pids mean
 * nothing to the host); table lists the guest's processes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PIDS_MAX 64

static int print_json(const struct vxn_globals *g, const char *id, struct vxn_err *err)
{
	int pids[PIDS_MAX];
	size_t n;

	if (container_ps_pids(g, id, pids, PIDS_MAX, &n, err))
		return CLI_ERR;
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", pids[i]);
	puts("]");
	return 0;
}

/* Lines "PID USER CMD" (already checked: no field but CMD has spaces). */
static int print_table(const struct vxn_globals *g, const char *id, struct vxn_err *err)
{
	char *text, *line, *save = NULL;

	if (container_ps_text(g, id, &text, err))
		return CLI_ERR;
	printf("%-8s %-12s %s\n", "PID", "USER", "CMD");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp1 = strchr(line, ' ');
		char *sp2 = strchr(sp1 + 1, ' ');
		printf("%-8.*s %-12.*s %s\n", (int)(sp1 - line), line, (int)(sp2 - sp1 - 1),
		       sp1 + 1, sp2 + 1);
	}
	free(text);
	return 0;
}

int cmd_ps(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { 0 } };
	const char *format = "table", *id;
	int c, r;

	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_bad_flag(argc, argv, err);
		format = optarg;
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cli_usage(err, "ps: --format must be table or json");
	if (argc - optind > 1)
		return cli_usage(err, "ps: arguments for ps(1) are not supported");
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	r = strcmp(format, "json") ? print_table(g, id, err) : print_json(g, id, err);
	if (r == 0 && fflush(stdout))
		return err_set(err, 0, "ps: writing to stdout failed");
	return r;
}
