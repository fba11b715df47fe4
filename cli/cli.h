/* The command line: main.c parses the global flags and dispatches through a
 * table to one cmd_<verb>.c per verb. A verb parses its own flags and calls
 * one library function. It returns the process exit status (>= 0), or
 * CLI_ERR (err filled: main logs it, exit 1) or CLI_USAGE (err filled: main
 * logs it and prints the verb's usage, exit 1). */
#ifndef VXN_CLI_H
#define VXN_CLI_H

#include "container.h"
#include "error.h"

/* Set by the build (meson.build); these only keep a stray compile working. */
#ifndef VXN_VERSION
#define VXN_VERSION "unknown"
#endif
#ifndef VXN_XEN_VERSION
#define VXN_XEN_VERSION "unknown"
#endif

#define CLI_ERR (-1)
#define CLI_USAGE (-2)

typedef int (*cli_verb_fn)(const struct vxn_globals *g, int argc, char **argv,
			   struct vxn_err *err);

struct cli_verb {
	const char *name;
	cli_verb_fn fn;
	const char *usage;   /* flags and operands, after "vxn [global options] NAME" */
	const char *help;    /* one line */
};

/* main.c's verb table, for `features` to report what there is. */
const struct cli_verb *cli_verb_table(size_t *n);

/* Fill err and return CLI_USAGE. */
int cli_usage(struct vxn_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt returned '?' or ':': a usage error naming the flag. */
int cli_bad_flag(int argc, char **argv, struct vxn_err *err);
/* After getopt: exactly one operand, the container ID (validated). */
int cli_one_id(int argc, char **argv, const char **id, struct vxn_err *err);
/* The state root: --root, else vxn.conf's state_root (malloc'd into *owned). */
int cli_state_root(const struct vxn_globals *g, const char **root, char **owned,
		   struct vxn_err *err);

int cmd_create(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_start(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_state(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_kill(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_delete(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_pause(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_resume(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_update(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_events(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_run(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_list(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_features(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_spec(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_exec(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_pool(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_ps(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_pod_client(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err);
int cmd_monitor_net_sync(const struct vxn_globals *g, int argc, char **argv,
			 struct vxn_err *err);
int cmd_monitor_teardown(const struct vxn_globals *g, int argc, char **argv,
			 struct vxn_err *err);

#endif
