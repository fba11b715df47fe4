/* `vxn update --resources FILE` (cli/cmd_update.c): the LinuxResources JSON
 * an engine passes. parse_resources is static, so this harness compiles
 * cmd_update.c itself (no copy of it to drift) with stand-ins for the
 * functions of vxn it calls and this harness never reaches. */
#include "fuzz.h"

#include "../../cli/cmd_update.c"

int container_update(const struct vxn_globals *g, const char *id, const struct vxn_update *u,
		     struct vxn_err *err)
{
	(void)g, (void)id, (void)u;
	return err_set(err, ENOSYS, "not in the fuzz harness");
}

int cli_usage(struct vxn_err *err, const char *fmt, ...)
{
	(void)fmt;
	err_set(err, 0, "usage");
	return CLI_USAGE;
}

int cli_bad_flag(int argc, char **argv, struct vxn_err *err)
{
	(void)argc, (void)argv;
	return cli_usage(err, "flag");
}

int cli_one_id(int argc, char **argv, const char **id, struct vxn_err *err)
{
	(void)argc, (void)argv, (void)id;
	return cli_usage(err, "id");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxn_update u = { 0 };
	struct vxn_err err;
	char path[64];

	if (size > RESOURCES_MAX || fuzz_file(data, size, path, sizeof path) < 0)
		return 0;
	if (parse_resources(path, &u, &err) == 0) {
		/* a positive quota asks for some CPU: at least one vcpu, never
		 * "nothing to change" (which update would silently do) */
		struct vxn_err e2;
		yajl_val doc = jv_parse((const char *)data, size, RESOURCES_MAX, "r", &e2);
		yajl_val q = jv_get(jv_get(doc, "cpu"), "quota");
		must(doc != NULL);
		if (YAJL_IS_INTEGER(q) && YAJL_GET_INTEGER(q) > 0)
			must(u.vcpus >= 1);
		yajl_tree_free(doc);
	} else {
		must(err.msg[0] != '\0');
	}
	return 0;
}
