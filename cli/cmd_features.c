/* vxn features: the OCI features document (runtime-spec features.md),
 * reporting only what vxn does. Namespaces, cgroups, seccomp, AppArmor,
 * SELinux and capabilities are accepted in config.json but not applied (the
 * guest is the boundary), so they are reported as not enabled; hooks are
 * skipped, so none is listed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "jsonv.h"
#include "plan.h"

static void gen_disabled(yajl_gen g, const char *key)
{
	jg_key(g, key);
	yajl_gen_map_open(g);
	jg_kbool(g, "enabled", false);
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	jg_key(g, "linux");
	yajl_gen_map_open(g);
	jg_kstrv(g, "namespaces", NULL, 0);
	jg_kstrv(g, "capabilities", NULL, 0);
	jg_key(g, "cgroup");
	yajl_gen_map_open(g);
	jg_kbool(g, "v1", false);
	jg_kbool(g, "v2", false);
	yajl_gen_map_close(g);
	gen_disabled(g, "seccomp");
	gen_disabled(g, "apparmor");
	gen_disabled(g, "selinux");
	yajl_gen_map_close(g);
}

/* The verbs this binary has, from main.c's table: what works, exactly. */
static void gen_commands(yajl_gen g)
{
	char list[1024] = "";
	size_t n, len = 0;
	const struct cli_verb *v = cli_verb_table(&n);

	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? "," : "",
					v[i].name);
	jg_kstr(g, "org.xenproject.vxn.commands", list);
}

static char *features_json(void)
{
	const char *opts[64];
	size_t nopts = mount_option_names(opts, 64);
	yajl_gen g = jg_new(true);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "ociVersionMin", "1.0.0");
	jg_kstr(g, "ociVersionMax", "1.0.2");
	jg_kstrv(g, "hooks", NULL, 0);
	jg_kstrv(g, "mountOptions", (char *const *)opts, nopts);
	gen_linux(g);
	jg_key(g, "annotations");
	yajl_gen_map_open(g);
	jg_kstr(g, "org.xenproject.vxn.version", VXN_VERSION);
	jg_kstr(g, "org.xenproject.vxn.xen.version", VXN_XEN_VERSION);
	gen_commands(g);
	/* update: balloon target and online vcpus within the create-time max */
	jg_kstr(g, "org.xenproject.vxn.update", "memory.limit,cpu.quota,cpu.period");
	/* signals but KILL to a paused container wait for resume */
	jg_kstr(g, "org.xenproject.vxn.paused-signals", "queued");
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return jg_finish(g);
}

int cmd_features(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	(void)g;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	if (optind < argc)
		return cli_usage(err, "features: unexpected argument '%.64s'", argv[optind]);
	char *json = features_json();
	if (!json)
		return err_set(err, 0, "features: out of memory");
	fputs(json, stdout);
	free(json);
	return fflush(stdout) == 0 ? 0 : err_set(err, 0, "features: writing to stdout failed");
}
