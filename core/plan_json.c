/* plan -> pretty JSON, field order fixed, so golden files diff cleanly.
 * Mount flags and rlimit types are written by name for readable goldens. */
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "jsonv.h"
#include "plan_internal.h"
#include "util.h"

static void gen_rlimits(yajl_gen g, const struct vxn_launch *l)
{
	jg_key(g, "rlimits");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; i < l->nrlimits; i++) {
		const char *name = rlimit_name((int)l->rlimits[i].type);
		yajl_gen_map_open(g);
		if (name)
			jg_kstr(g, "type", name);
		else
			jg_kint(g, "type", l->rlimits[i].type);
		jg_ku64(g, "soft", l->rlimits[i].soft);
		jg_ku64(g, "hard", l->rlimits[i].hard);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_mounts(yajl_gen g, const struct vxn_launch *l)
{
	jg_key(g, "mounts");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; i < l->nmounts; i++) {
		const struct vxn_mount *m = &l->mounts[i];
		const char *names[64];
		size_t n = mount_flag_names(m->flags, names, 64);
		yajl_gen_map_open(g);
		jg_kstr(g, "destination", m->destination);
		jg_kstr(g, "type", m->type);
		jg_kstr(g, "source", m->source);
		jg_kstrv(g, "flags", (char *const *)names, n);
		jg_kstr(g, "data", m->data);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_cap_set(yajl_gen g, const char *set, uint64_t mask)
{
	jg_key(g, set);
	yajl_gen_array_open(g);
	for (int c = 0; c < 64; c++)
		if (mask & 1ull << c) {
			const char *name = cap_name(c);
			if (name)
				jg_str(g, name);
			else
				yajl_gen_integer(g, c);
		}
	yajl_gen_array_close(g);
}

static void gen_privileges(yajl_gen g, const struct vxn_launch *l)
{
	jg_key(g, "capabilities");
	yajl_gen_map_open(g);
	gen_cap_set(g, "bounding", l->caps.bounding);
	gen_cap_set(g, "effective", l->caps.effective);
	gen_cap_set(g, "permitted", l->caps.permitted);
	gen_cap_set(g, "inheritable", l->caps.inheritable);
	gen_cap_set(g, "ambient", l->caps.ambient);
	yajl_gen_map_close(g);
	jg_kbool(g, "no_new_privileges", l->no_new_privileges);
	jg_key(g, "oom_score_adj");
	if (l->oom_score_adj_set)
		yajl_gen_integer(g, l->oom_score_adj);
	else
		yajl_gen_null(g);
}

static void gen_devices(yajl_gen g, const struct vxn_launch *l)
{
	jg_key(g, "devices");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; i < l->ndevices; i++) {
		const struct vxn_device *d = &l->devices[i];
		char type[2] = { (char)d->type, '\0' };
		yajl_gen_map_open(g);
		jg_kstr(g, "path", d->path);
		jg_kstr(g, "type", type);
		jg_kint(g, "major", d->major);
		jg_kint(g, "minor", d->minor);
		jg_kint(g, "mode", d->mode);
		jg_kint(g, "uid", d->uid);
		jg_kint(g, "gid", d->gid);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_launch(yajl_gen g, const struct vxn_launch *l)
{
	jg_key(g, "launch");
	yajl_gen_map_open(g);
	jg_kstrv(g, "args", l->args, l->nargs);
	jg_kstrv(g, "env", l->env, l->nenv);
	jg_kstr(g, "cwd", l->cwd);
	jg_kint(g, "uid", l->uid);
	jg_kint(g, "gid", l->gid);
	jg_key(g, "gids");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; i < l->ngids; i++)
		yajl_gen_integer(g, l->gids[i]);
	yajl_gen_array_close(g);
	jg_kint(g, "umask", l->umask);
	jg_kstr(g, "hostname", l->hostname);
	gen_rlimits(g, l);
	jg_kbool(g, "terminal", l->terminal);
	jg_kint(g, "rows", l->rows);
	jg_kint(g, "cols", l->cols);
	gen_mounts(g, l);
	jg_key(g, "shares");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; i < l->nshares; i++)
		yajl_gen_string(g, (const unsigned char *)l->shares[i].tag, strlen(l->shares[i].tag));
	yajl_gen_array_close(g);
	jg_kstr(g, "root_fstype", l->root_fstype);
	jg_kbool(g, "root_readonly", l->root_readonly);
	jg_kbool(g, "pid_namespace", l->pid_namespace);
	gen_privileges(g, l);
	gen_devices(g, l);
	jg_kstrv(g, "sysctl", l->sysctl, l->nsysctl);
	jg_kstrv(g, "masked_paths", l->masked_paths, l->nmasked_paths);
	jg_kstrv(g, "readonly_paths", l->readonly_paths, l->nreadonly_paths);
	yajl_gen_map_close(g);
}

static void gen_copy_in(yajl_gen g, const struct vxn_plan *p)
{
	jg_key(g, "copy_in");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < p->ncopy_in; i++) {
		yajl_gen_map_open(g);
		jg_kstr(g, "source", p->copy_in[i].source);
		jg_kstr(g, "destination", p->copy_in[i].destination);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_shares(yajl_gen g, const struct vxn_plan *p)
{
	jg_key(g, "shares");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < p->nshares; i++) {
		yajl_gen_map_open(g);
		jg_kstr(g, "tag", p->shares[i].tag);
		jg_kstr(g, "source", p->shares[i].source);
		jg_kbool(g, "readonly", p->shares[i].readonly);
		jg_kstr(g, "export_dir", p->shares[i].export_dir);
		jg_kstr(g, "entry", p->shares[i].entry);
		jg_kbool(g, "rides", p->shares[i].rides);
		if (p->shares[i].pod)
			jg_kbool(g, "pod", true);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

char *plan_to_json(const struct vxn_plan *p)
{
	yajl_gen g = jg_new(true);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "name", p->name);
	jg_ku64(g, "memory_kib", p->memory_kib);
	jg_ku64(g, "max_memory_kib", p->max_memory_kib);
	jg_kint(g, "vcpus", p->vcpus);
	jg_kint(g, "max_vcpus", p->max_vcpus);
	jg_kstr(g, "kernel", p->kernel);
	jg_kstr(g, "ramdisk", p->ramdisk);
	jg_kstr(g, "cmdline", p->cmdline);
	jg_kstr(g, "rootfs", p->rootfs);
	jg_kstr(g, "disk_image", p->disk_image);
	jg_kstr(g, "disk_format", p->disk_format);
	jg_kbool(g, "disk_readonly", p->disk_readonly);
	gen_launch(g, &p->launch);
	gen_copy_in(g, p);
	gen_shares(g, p);
	yajl_gen_map_close(g);
	return jg_finish(g);
}
