/* inspect: a JSON array, one object per operand: a container (its state
 * from vxn, its record) or, when no container has that name, an image. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"
#include "images.h"
#include "jsonv.h"
#include "net.h"
#include "store.h"

static void gen_container(yajl_gen g, struct vdkr_ctx *c, const struct ctr *t)
{
	enum vxn_status s;
	struct vxn_err err;
	int code = -1;

	if (ctr_status(c, t, &s, &code, &err))
		s = VXN_STATUS_STOPPED;
	yajl_gen_map_open(g);
	jg_kstr(g, "Id", t->id);
	char name[260];
	snprintf(name, sizeof(name), "/%s", t->name);
	jg_kstr(g, "Name", name);
	jg_kstr(g, "Created", t->created);
	jg_kstr(g, "Image", t->image_digest);
	jg_key(g, "State");
	yajl_gen_map_open(g);
	jg_kstr(g, "Status", s == VXN_STATUS_STOPPED ? "exited" : s == VXN_STATUS_RUNNING ?
		"running" : status_name(s));
	jg_kbool(g, "Running", s == VXN_STATUS_RUNNING);
	jg_kbool(g, "Paused", s == VXN_STATUS_PAUSED);
	jg_kint(g, "ExitCode", code < 0 ? 0 : code);
	yajl_gen_map_close(g);
	jg_key(g, "Config");
	yajl_gen_map_open(g);
	jg_kstr(g, "Image", t->image);
	jg_kstr(g, "Cmd", t->command);
	jg_kstr(g, "StopSignal", t->stop_signal[0] ? t->stop_signal : "SIGTERM");
	yajl_gen_map_close(g);
	jg_kbool(g, "AutoRemove", t->rm);
	jg_kstr(g, "Runtime", "vxn");
	vdkr_net_settings(g, c, t->id);
	yajl_gen_map_close(g);
}

static int gen_image(yajl_gen g, struct vdkr_ctx *c, const char *what, struct vxn_err *err)
{
	struct image_ref ref;
	struct imgindex_entry e;
	struct image_info info;
	char canon[REF_MAX];
	struct store s;
	int r;

	if (image_canonical(what, &ref, canon, sizeof(canon), err) ||
	    store_open(&s, c->root, LOCK_SH, err))
		return -1;
	r = store_lookup(&s, canon, &e, err);
	if (r == 1)
		r = store_image_info(&s, &e, &info, err);
	else if (r == 0)
		r = -1;
	store_close(&s);
	if (r)
		return -1;
	yajl_gen_map_open(g);
	jg_kstr(g, "Id", info.config_digest);
	jg_kstrv(g, "RepoTags", (char *[]){ canon }, 1);
	jg_kstr(g, "Digest", e.digest);
	jg_kstr(g, "Created", info.config.created);
	jg_ku64(g, "Size", info.size);
	jg_key(g, "Config");
	yajl_gen_map_open(g);
	jg_kstrv(g, "Entrypoint", info.config.entrypoint, info.config.nentrypoint);
	jg_kstrv(g, "Cmd", info.config.cmd, info.config.ncmd);
	jg_kstr(g, "StopSignal", info.config.stop_signal);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	image_info_free(&info);
	return 0;
}

int cmd_inspect(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	yajl_gen g = jg_new(true);
	int failed = 0;

	if (!g)
		return err_set(err, ENOMEM, "inspect");
	if (getopt_long(argc, argv, "+", opts, NULL) != -1) {
		yajl_gen_free(g);
		return vdkr_bad_flag(argc, argv, err);
	}
	yajl_gen_array_open(g);
	for (int i = optind; i < argc; i++) {
		struct ctr t;
		struct vxn_err one;
		if (ctr_find(c, argv[i], &t, &one) == 0)
			gen_container(g, c, &t);
		else if (gen_image(g, c, argv[i], &one)) {
			fprintf(stderr, "Error: No such object: %s\n", argv[i]);
			failed = 1;
		}
	}
	yajl_gen_array_close(g);
	char *text = jg_finish(g);
	if (text)
		fputs(text, stdout);
	free(text);
	return failed;
}
