/* vxn's entry point: global flags (before the verb, like runc), the verb
 * table, and the one place that turns an error into output and exit status. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

static const struct cli_verb verbs[] = {
	{ "create", cmd_create,
	  "--bundle|-b BUNDLE [--pid-file FILE] [--console-socket SOCKET] [--no-pivot] "
	  "[--no-new-keyring] [--preserve-fds 0] ID",
	  "create a container: its Xen guest, built and paused" },
	{ "start", cmd_start, "ID", "start the process of a created container (unpause its guest)" },
	{ "state", cmd_state, "ID", "print the state of a container as JSON" },
	{ "kill", cmd_kill, "[--all|-a] ID [SIGNAL]", "send a signal (default TERM) to the container's process" },
	{ "delete", cmd_delete, "[--force|-f] ID", "delete a stopped container and all it used" },
	{ "pause", cmd_pause, "ID", "pause the container's guest" },
	{ "resume", cmd_resume, "ID", "resume a paused container (queued signals arrive now)" },
	{ "update", cmd_update,
	  "[--resources|-r FILE|-] [--memory|-m BYTES] [--cpus N] [--cpu-quota Q --cpu-period P] ID",
	  "change the guest's memory (balloon) and online vcpus within its maximum" },
	{ "events", cmd_events, "[--stats] [--interval D] ID",
	  "print the guest's CPU and memory as JSON lines (once with --stats)" },
	{ "run", cmd_run,
	  "[--bundle|-b BUNDLE] [--pid-file FILE] [--console-socket SOCKET] [--detach|-d] [--rm] ID",
	  "create and start a container, wait for it and exit with its status" },
	{ "list", cmd_list, "[--format|-f table|json] [--quiet|-q]", "list the containers in the state root" },
	{ "features", cmd_features, "", "print the OCI features vxn implements as JSON" },
	{ "exec", cmd_exec,
	  "[--process|-p FILE] [--tty|-t] [--console-socket SOCKET] [--detach|-d] "
	  "[--pid-file FILE] [--cwd DIR] [--env|-e K=V]... [--user|-u UID[:GID]] ID [ARGS...]",
	  "run another process in a running container" },
	{ "ps", cmd_ps, "[--format|-f table|json] ID",
	  "list the container's processes (json: the host pids that stand for them)" },
	{ "spec", cmd_spec, "[--bundle|-b BUNDLE]", "write a default config.json into the bundle" },
	{ "pool", cmd_pool, "fill N | drain | list",
	  "warm pool: guests booted ahead, taken by create (not a runc verb)" },
};

#define NVERBS (sizeof verbs / sizeof verbs[0])

/* Not in the usage or in features: vxn's own processes call these. */
static const struct cli_verb internal_verbs[] = {
	{ "monitor-teardown", cmd_monitor_teardown, "DOMID DOMAIN-NAME LOOP-FD",
	  "vxn-monitor's last step: destroy its domain, detach the loop device" },
	{ "monitor-net-sync", cmd_monitor_net_sync, "DOMID STATE-DIR",
	  "run by vxn-monitor when interfaces come or go in its namespace: the guest's NICs follow" },
	{ "pod-client", cmd_pod_client, "--state-dir DIR --gate FIFO --launch-fd N --ready-fd N",
	  "the pid-file process of a pod's app container, started by create" },
};

static const struct cli_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	for (size_t i = 0; i < sizeof internal_verbs / sizeof internal_verbs[0]; i++)
		if (strcmp(name, internal_verbs[i].name) == 0)
			return &internal_verbs[i];
	return NULL;
}

const struct cli_verb *cli_verb_table(size_t *n)
{
	*n = NVERBS;
	return verbs;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vxn [--root DIR] [--log FILE] [--log-format text|json] [--debug] "
		   "[--systemd-cgroup] COMMAND [ARGS...]\n"
		   "       vxn --version | --help\n\n"
		   "An OCI runtime that runs every container as its own Xen guest.\n\ncommands:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].help);
}

static void verb_usage(FILE *f, const struct cli_verb *v)
{
	fprintf(f, "usage: vxn [global options] %s %s\n  %s\n", v->name, v->usage, v->help);
}

static void version(void)
{
	printf("vxn version %s\nspec: 1.0.2\nxen: %s\n", VXN_VERSION, VXN_XEN_VERSION);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP };

/* Returns -1 to go on with the verb at argv[optind], else an exit status. */
static int parse_globals(int argc, char **argv, struct vxn_globals *g)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: g->root = optarg; break;
		case OPT_LOG: g->log_path = optarg; break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr, "vxn: --log-format: must be text or json\n");
				return 1;
			}
			g->log_json = strcmp(optarg, "json") == 0;
			break;
		case OPT_DEBUG: g->debug = true; break;
		case OPT_SYSTEMD_CGROUP: break; /* no host cgroups: the guest is the limit */
		case 'v': version(); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	return -1;
}

static int finish(int rc, const struct cli_verb *v, const struct vxn_err *err)
{
	if (rc >= 0)
		return rc;
	const char *msg = err->msg[0] ? err->msg : "failed";
	log_error("%s", msg);
	/* runc's fatal(): the error goes to stderr as well, bare, when --log
	 * took the log: go-runc (containerd's shims) reads it from there, and
	 * its "container not running" is how a shim tells a process that
	 * already ended from a failed kill */
	if (log_to_file())
		fprintf(stderr, "%s\n", msg);
	if (rc == CLI_USAGE)
		verb_usage(stderr, v);
	return 1;
}

int main(int argc, char **argv)
{
	struct vxn_globals g = { 0 };
	struct vxn_err err = { 0 };
	int rc = parse_globals(argc, argv, &g);
	if (rc >= 0)
		return rc;
	log_setup(g.log_path, g.log_json, g.debug);
	if (optind >= argc) {
		usage(stdout);
		return 0;
	}
	const char *name = argv[optind];
	const struct cli_verb *v = find_verb(name);
	if (v) {
		int vargc = argc - optind;
		char **vargv = argv + optind;
		if (vargc > 1 && (!strcmp(vargv[1], "--help") || !strcmp(vargv[1], "-h"))) {
			verb_usage(stdout, v);
			return 0;
		}
		optind = 0; /* glibc: full re-initialisation for the verb's own getopt */
		opterr = 0; /* the verb reports bad flags through err */
		return finish(v->fn(&g, vargc, vargv, &err), v, &err);
	}
	if (strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	log_error("unknown command '%.64s'", name);
	usage(stderr);
	return 1;
}
