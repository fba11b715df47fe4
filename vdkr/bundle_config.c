#include "bundle_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"
#include "jtree.h"
#include "plan.h"

static int edit_process(yajl_val process, const struct bundle_edit *e)
{
	int r = jt_set(process, "args", jt_strings(e->args, e->nargs)) |
		jt_set(process, "env", jt_strings(e->env, e->nenv)) |
		jt_set(process, "terminal", jt_bool(e->terminal));

	if (e->cwd)
		r |= jt_set(process, "cwd", jt_string(e->cwd));
	if (e->terminal && e->rows && e->cols) {
		yajl_val size = jt_object();
		r |= jt_set(size, "height", jt_int(e->rows)) | jt_set(size, "width", jt_int(e->cols));
		r |= jt_set(process, "consoleSize", size);
	}
	if (e->set_user) {
		yajl_val user = jt_object();
		r |= jt_set(user, "uid", jt_int(e->uid)) | jt_set(user, "gid", jt_int(e->gid));
		r |= jt_set(process, "user", user);
	}
	return r ? -1 : 0;
}

/* linux.resources.memory.limit and cpu.quota/period: what `docker run -m
 * --cpus` writes, and what vxn's plan sizes the guest from. */
static int edit_resources(yajl_val root, const struct bundle_edit *e)
{
	yajl_val res = jt_child(jt_child(root, "linux"), "resources");
	int r = res ? 0 : -1;

	if (res && e->memory_bytes)
		r |= jt_set(jt_child(res, "memory"), "limit", jt_int((long long)e->memory_bytes));
	if (res && e->cpu_quota) {
		yajl_val cpu = jt_child(res, "cpu");
		r |= jt_set(cpu, "quota", jt_int((long long)e->cpu_quota)) |
		     jt_set(cpu, "period", jt_int((long long)e->cpu_period));
	}
	return r ? -1 : 0;
}

/* docker's shape for -v: {"destination", "type": "bind", "source",
 * "options": ["rbind", "ro"|"rw"]}. */
static yajl_val bind_mount(const struct run_volume *v)
{
	char *opts[] = { "rbind", v->readonly ? "ro" : "rw" };
	yajl_val m = jt_object();

	if (jt_set(m, "destination", jt_string(v->destination)) |
	    jt_set(m, "type", jt_string("bind")) | jt_set(m, "source", jt_string(v->source)) |
	    jt_set(m, "options", jt_strings(opts, 2))) {
		yajl_tree_free(m);
		return NULL;
	}
	return m;
}

/* umoci's mount at dest (/dev/shm, say) gives way to a volume there, as
 * docker's defaults do. */
static void drop_mount_at(yajl_val mounts, const char *dest)
{
	for (size_t i = mounts->u.array.len; i-- > 0;) {
		const char *d = YAJL_GET_STRING(jv_get(mounts->u.array.values[i], "destination"));
		if (d && !strcmp(d, dest))
			jt_remove(mounts, i);
	}
}

/* The binds of v at their destinations, in place of any mount there. */
static int add_binds(yajl_val mounts, const struct run_volume *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		drop_mount_at(mounts, v[i].destination);
	for (size_t i = 0; i < n; i++)
		if (jt_append(mounts, bind_mount(&v[i])))
			return -1;
	return 0;
}

/* docker's files first: a volume at one of their paths replaces it. */
static int edit_mounts(yajl_val root, const struct bundle_edit *e)
{
	if (e->nvolumes == 0 && e->nfiles == 0)
		return 0;
	yajl_val mounts = jt_child_array(root, "mounts");
	if (!mounts || add_binds(mounts, e->files, e->nfiles))
		return -1;
	return add_binds(mounts, e->volumes, e->nvolumes);
}

/* linux.namespaces' network entry given the path (made when umoci wrote none). */
static int edit_netns(yajl_val root, const struct bundle_edit *e)
{
	if (!e->netns_path)
		return 0;
	yajl_val linux = jt_child(root, "linux");
	yajl_val nss = linux ? jt_child_array(linux, "namespaces") : NULL;
	if (!nss)
		return -1;
	for (size_t i = 0; i < nss->u.array.len; i++) {
		yajl_val ns = nss->u.array.values[i];
		yajl_val type = jv_get(ns, "type");
		const char *t = YAJL_IS_STRING(type) ? type->u.string : NULL;
		if (t && strcmp(t, "network") == 0)
			return jt_set(ns, "path", jt_string(e->netns_path));
	}
	yajl_val ns = jt_object();
	if (!ns || jt_set(ns, "type", jt_string("network")) ||
	    jt_set(ns, "path", jt_string(e->netns_path))) {
		yajl_tree_free(ns);
		return -1;
	}
	return jt_append(nss, ns);
}

int bundle_config_edit(const char *json, size_t len, const struct bundle_edit *e, char **out,
		       struct vxn_err *err)
{
	yajl_val root = jv_parse(json, len, BUNDLE_CONFIG_MAX, "config.json", err);
	int r = -1;

	if (!root)
		return -1;
	if (jv_object(root, "config.json", err))
		goto out;
	yajl_val process = jt_child(root, "process");
	if (!process || edit_process(process, e) ||
	    (e->hostname && jt_set(root, "hostname", jt_string(e->hostname))) ||
	    (e->root_path && jt_set(jt_child(root, "root"), "path", jt_string(e->root_path))) ||
	    edit_resources(root, e) || edit_mounts(root, e) || edit_netns(root, e) ||
	    jt_set(jt_child(root, "annotations"), ANN_ROOTFS, jt_string("disk"))) {
		err_set(err, ENOMEM, "config.json");
		goto out;
	}
	if (!(*out = jt_dump(root))) {
		err_set(err, ENOMEM, "config.json");
		goto out;
	}
	r = 0;
out:
	yajl_tree_free(root);
	return r;
}

int bundle_config_env(const char *json, size_t len, char ***env, size_t *n,
		      struct vxn_err *err)
{
	yajl_val root = jv_parse(json, len, BUNDLE_CONFIG_MAX, "config.json", err);

	if (!root)
		return -1;
	int r = jv_strings(jv_get(jv_get(root, "process"), "env"), "process.env", env, n, err);
	yajl_tree_free(root);
	return r;
}
