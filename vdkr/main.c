/* vdkr and vpdmn: run OCI images as Xen guests with no daemon. One program;
 * argv[0] picks the spelling (vpdmn: podman's defaults where they differ).
 * Images come from skopeo into a local store, umoci unpacks them, and
 * vxn's own library creates, starts, waits for and deletes the containers. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "log.h"
#include "util.h"
#include "vdkr.h"

#ifndef VXN_VERSION
#define VXN_VERSION "unknown"
#endif

struct cmd {
	const char *name;
	vdkr_cmd_fn fn;
	const char *help;
};

static const struct cmd cmds[] = {
	{ "run", cmd_run, "run a command in a new container (pulls the image when missing)" },
	{ "pull", cmd_pull, "pull an image from a registry or an oci-archive:/docker-archive:" },
	{ "images", cmd_images, "list images" },
	{ "rmi", cmd_rmi, "remove images" },
	{ "load", cmd_load, "load images from a docker-archive (-i FILE)" },
	{ "save", cmd_save, "save an image to a docker-archive (-o FILE)" },
	{ "ps", cmd_ps, "list containers (-a: stopped ones too)" },
	{ "logs", cmd_logs, "a detached container's output (-f: follow)" },
	{ "stop", cmd_stop, "stop containers (stop signal, then KILL after -t seconds)" },
	{ "kill", cmd_kill, "send a signal (-s, default KILL) to containers" },
	{ "rm", cmd_rm, "remove containers (-f: running ones too)" },
	{ "wait", cmd_wait, "wait for containers to stop, print their exit codes" },
	{ "exec", cmd_exec, "run a command in a running container" },
	{ "inspect", cmd_inspect, "show containers or images as JSON" },
	{ "vmemres", cmd_vmemres, "start [N] | stop | status: guests kept booted (vxn's warm pool)" },
};

int vdkr_bad_flag(int argc, char **argv, struct vxn_err *err)
{
	const char *f = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	return err_set(err, 0, "%s: unknown flag or missing value: %.64s", argv[0], f);
}

int vdkr_quiet_flag(int argc, char **argv, bool *quiet, struct vxn_err *err)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' }, { 0 } };
	int o;

	*quiet = false;
	while ((o = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		if (o != 'q')
			return vdkr_bad_flag(argc, argv, err);
		*quiet = true;
	}
	return 0;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [--root DIR] [--log FILE] [--debug] COMMAND [ARGS...]\n\n"
		   "Run container images as Xen guests through vxn, with no daemon.\n\n"
		   "commands:\n", prog);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG };

/* -1: go on with the command at argv[optind]; else an exit status. */
static int parse_globals(int argc, char **argv, struct vdkr_ctx *c, bool *log_json)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (o) {
		case OPT_ROOT: c->root = optarg; break;
		case OPT_LOG: c->g.log_path = optarg; break;
		case OPT_LOG_FORMAT: *log_json = strcmp(optarg, "json") == 0; break;
		case OPT_DEBUG: c->g.debug = true; break;
		case 'v': printf("%s version %s (vxn)\n", c->prog, VXN_VERSION); return 0;
		case 'h': usage(stdout, c->prog); return 0;
		default:
			fprintf(stderr, "%s: unknown flag: %s\n", c->prog, argv[optind - 1]);
			return VDKR_EXIT_ERR;
		}
	}
	return -1;
}

/* --root, else VDKR_ROOT / VPDMN_ROOT, else /var/lib/vdkr or /var/lib/vpdmn:
 * the two spellings keep stores of their own, as docker and podman do. */
static int pick_root(struct vdkr_ctx *c)
{
	if (!c->root)
		c->root = getenv(c->podman ? "VPDMN_ROOT" : "VDKR_ROOT");
	if (!c->root || !*c->root)
		c->root = c->podman ? "/var/lib/vpdmn" : "/var/lib/vdkr";
	if (c->root[0] != '/') {
		fprintf(stderr, "%s: the state directory must be an absolute path: %s\n", c->prog,
			c->root);
		return -1;
	}
	if ((size_t)snprintf(c->run_root, sizeof(c->run_root), "%s/run", c->root) >=
	    sizeof(c->run_root))
		return -1;
	c->g.root = c->run_root;
	return 0;
}

/* vxn-monitor runs `<this program> [--log F] [--debug] monitor-teardown
 * DOMID NAME LOOP-FD` at a container's end: the program that created the
 * container is the one it knows (host/monitor_start.c). */
static int monitor_teardown(int argc, char **argv, struct vxn_err *err)
{
	uint64_t domid, fd;

	if (argc != 4 || parse_decimal(argv[1], &domid) || domid > UINT32_MAX ||
	    parse_decimal(argv[3], &fd) || fd > INT32_MAX)
		return err_set(err, 0, "monitor-teardown takes DOMID DOMAIN-NAME LOOP-FD");
	return container_teardown_domain((uint32_t)domid, argv[2], (int)fd, err);
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct vdkr_ctx c = { 0 };
	struct vxn_err err = { 0 };
	bool log_json = false;
	char self[PATH_MAX];

	snprintf(self, sizeof(self), "%s", argv[0]);
	c.prog = strcmp(basename(self), "vpdmn") ? "vdkr" : "vpdmn";
	c.podman = c.prog[1] == 'p';
	int rc = parse_globals(argc, argv, &c, &log_json);
	if (rc >= 0)
		return rc;
	log_set_program(c.prog);
	log_setup(c.g.log_path, log_json, c.g.debug);
	if (optind >= argc) {
		usage(stdout, c.prog);
		return 0;
	}
	const char *name = argv[optind];
	int vargc = argc - optind;
	char **vargv = argv + optind;
	if (!strcmp(name, "monitor-teardown")) {
		if (monitor_teardown(vargc, vargv, &err) == 0)
			return 0;
		log_error("%s", err.msg);
		return 1;
	}
	const struct cmd *cmd = find_cmd(name);
	if (!cmd) {
		fprintf(stderr, "%s: '%.64s' is not a %s command.\nSee '%s --help'\n", c.prog, name,
			c.prog, c.prog);
		return VDKR_EXIT_ERR;
	}
	if (pick_root(&c))
		return VDKR_EXIT_ERR;
	optind = 0;  /* glibc: a full re-initialisation for the command's getopt */
	opterr = 0;  /* the command reports bad flags through err */
	rc = cmd->fn(&c, vargc, vargv, &err);
	if (rc >= 0)
		return rc;
	fprintf(stderr, "%s: %s\n", c.prog, err.msg[0] ? err.msg : "failed");
	return VDKR_EXIT_ERR;
}
