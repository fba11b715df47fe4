/* vxn list: the containers under the state root. Docker shares its root
 * between runtimes, so entries vxn cannot read (other runtimes' state, half
 * created ones) are skipped, not errors. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "log.h"
#include "util.h"

enum list_format { LIST_TABLE, LIST_JSON, LIST_QUIET };

static void print_entry(enum list_format f, const struct vxn_state *st, const char *status,
			int pid, size_t n)
{
	if (f == LIST_QUIET) {
		printf("%s\n", st->id);
	} else if (f == LIST_TABLE) {
		printf("%-20s %-10d %-10s %-40s %-32s %s\n", st->id, pid, status, st->bundle,
		       st->created ? st->created : "", st->owner ? st->owner : "");
	} else {
		char *json = state_to_oci_json(st, status, pid);
		if (json) {
			printf("%s%s", n ? "," : "", json);
			free(json);
		}
	}
}

static size_t list_entries(const struct vxn_globals *g, DIR *d, enum list_format f)
{
	struct dirent *e;
	size_t n = 0;
	while ((e = readdir(d))) {
		struct vxn_state st;
		struct vxn_err err = { 0 };
		enum vxn_status status;
		int pid;
		if (id_validate(e->d_name, NULL) < 0)
			continue;  /* ".", "..", and names vxn would never create */
		if (container_status(g, e->d_name, &st, &status, &pid, &err) < 0) {
			log_debug("list: skipping %s: %s", e->d_name, err.msg);
			continue;
		}
		print_entry(f, &st, status_name(status), pid, n++);
		state_free(&st);
	}
	return n;
}

static int parse_format(int argc, char **argv, enum list_format *f, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	int c;
	bool quiet = false;
	*f = LIST_TABLE;
	while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && strcmp(optarg, "json") == 0)
			*f = LIST_JSON;
		else if (c == 'f' && strcmp(optarg, "table") == 0)
			*f = LIST_TABLE;
		else if (c == 'f')
			return cli_usage(err, "list: --format: must be table or json");
		else
			return cli_bad_flag(argc, argv, err);
	}
	if (optind < argc)
		return cli_usage(err, "list: unexpected argument '%.64s'", argv[optind]);
	if (quiet)
		*f = LIST_QUIET;
	return 0;
}

int cmd_list(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	enum list_format f;
	cleanup_free char *owned = NULL;
	const char *root;
	int r;
	if ((r = parse_format(argc, argv, &f, err)) < 0 ||
	    (r = cli_state_root(g, &root, &owned, err)) < 0)
		return r;
	struct vxn_globals lg = *g;
	lg.root = root;
	DIR *d = opendir(root);
	if (!d && errno != ENOENT)
		return err_set(err, errno, "%s", root);
	if (f == LIST_TABLE)
		printf("%-20s %-10s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	if (f == LIST_JSON)
		printf("[");
	if (d) {
		list_entries(&lg, d, f);
		closedir(d);
	}
	if (f == LIST_JSON)
		printf("]\n");
	return fflush(stdout) == 0 ? 0 : err_set(err, errno, "list: stdout");
}
