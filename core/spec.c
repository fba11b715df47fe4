/* config.json -> struct vxn_spec.
 *
 * Every field the engines send is accepted (shared/notes on what Docker,
 * Podman and ctr write); what a Xen guest cannot honour is refused by name.
 *
 *   field                         | vxn
 *   ------------------------------+-------------------------------------------
 *   ociVersion, root, process.*   | kept (args, env, cwd, user, rlimits, tty)
 *   hostname, mounts, annotations | kept; mounts are translated by plan.c
 *   linux.resources.memory.limit  | kept: becomes the guest's memory
 *   linux.resources.cpu quota/per.| kept: becomes the guest's vcpus
 *   process.capabilities,         | kept: guest-init applies them to the
 *     noNewPrivileges,            |   process in the guest as runc does (a
 *     oomScoreAdj                 |   capability name the guest kernel lacks
 *                                 |   is dropped with a warning, as runc 1.1;
 *                                 |   no capabilities: none, as runc)
 *   process.apparmorProfile,      | ignored: the whole guest is the boundary,
 *     selinuxLabel                |   its processes hold no host privilege
 *   linux.namespaces              | types checked; "pid" without a path makes
 *                                 |   the process PID 1 of a new PID namespace
 *                                 |   in the guest (as runc); a pid path names
 *                                 |   a host namespace a guest cannot join:
 *                                 |   ignored like the other types but
 *                                 |   "network": the pid-file process's netns
 *                                 |   (a path: joined; none: a new one), whose
 *                                 |   interfaces the guest takes over
 *   linux.devices, linux.sysctl,  | kept: guest-init makes the nodes and
 *     maskedPaths, readonlyPaths  |   writes the sysctls, the process hides
 *                                 |   and protects the paths (spec_linux.c)
 *   uid/gid                       | ignored: a guest has its own kernel and so
 *     mappings, seccomp,          |   every namespace, its own devices and no
 *     cgroupsPath,                |   path to the host's /proc or /sys
 *     rootfsPropagation, other    |
 *     linux.resources             |
 *   hooks.*                       | kept: run on the host at runc's points
 *                                 |   (hooks.c; spec_hooks.c parses them)
 *   vm                            | ignored: kernel and initramfs come from
 *                                 |   vxn.conf and org.xenproject.vxn.kernel
 *   process.user.username only    | refused: no uid to run as
 *   windows, solaris, zos         | refused: vxn runs Linux containers only
 *   unknown rlimit names          | refused
 */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vxn-proto.h"
#include "caps.h"
#include "cleanup.h"
#include "files.h"
#include "jsonv.h"
#include "log.h"
#include "util.h"

#define SPEC_MAX_BYTES (4u << 20)
#define PATH_BUF 96

static int list_bound(size_t n, const char *path, struct vxn_err *err)
{
	if (n > VXN_LAUNCH_MAX_LIST)
		return err_set(err, 0, "%s: more than %u entries", path, VXN_LAUNCH_MAX_LIST);
	return 0;
}

static int parse_root(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val root = jv_get(doc, "root");
	if (!root)
		return err_set(err, 0, "root.path: missing");
	if (jv_object(root, "root", err) < 0 ||
	    jv_string_req(jv_get(root, "path"), "root.path", &s->root_path, err) < 0)
		return -1;
	return jv_bool(jv_get(root, "readonly"), "root.readonly", &s->root_readonly, err);
}

static int parse_console(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val cs = jv_get(proc, "consoleSize");
	uint64_t h = 0, w = 0;
	if (jv_object(cs, "process.consoleSize", err) < 0 ||
	    jv_u64(jv_get(cs, "height"), "process.consoleSize.height", UINT16_MAX, &h, err) < 0 ||
	    jv_u64(jv_get(cs, "width"), "process.consoleSize.width", UINT16_MAX, &w, err) < 0)
		return -1;
	s->console_rows = (uint16_t)h;
	s->console_cols = (uint16_t)w;
	return 0;
}

static int parse_gids(yajl_val user, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val g = jv_get(user, "additionalGids");
	if (!g)
		return 0;
	if (jv_array(g, "process.user.additionalGids", err) < 0 ||
	    list_bound(g->u.array.len, "process.user.additionalGids", err) < 0)
		return -1;
	s->gids = calloc(g->u.array.len + 1, sizeof *s->gids);
	if (!s->gids)
		return err_set(err, ENOMEM, "process.user.additionalGids");
	for (size_t i = 0; i < g->u.array.len; i++) {
		char path[PATH_BUF];
		uint64_t v = 0;
		snprintf(path, sizeof path, "process.user.additionalGids[%zu]", i);
		if (jv_u64(g->u.array.values[i], path, UINT32_MAX, &v, err) < 0)
			return -1;
		s->gids[i] = (uint32_t)v;
		s->ngids = i + 1;
	}
	return 0;
}

static int parse_user(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val user = jv_get(proc, "user");
	uint64_t uid = 0, gid = 0, umask = 0;
	if (jv_object(user, "process.user", err) < 0)
		return -1;
	if (jv_get(user, "username") && !jv_get(user, "uid"))
		return err_set(err, 0, "process.user.username: not supported without process.user.uid");
	if (jv_u64(jv_get(user, "uid"), "process.user.uid", UINT32_MAX, &uid, err) < 0 ||
	    jv_u64(jv_get(user, "gid"), "process.user.gid", UINT32_MAX, &gid, err) < 0 ||
	    jv_u64(jv_get(user, "umask"), "process.user.umask", 0777, &umask, err) < 0)
		return -1;
	s->uid = (uint32_t)uid;
	s->gid = (uint32_t)gid;
	s->umask = jv_get(user, "umask") ? (int32_t)umask : -1;
	return parse_gids(user, s, err);
}

static int rlimit_type(yajl_val v, const char *path, int *type, struct vxn_err *err)
{
	cleanup_free char *name = NULL;
	if (jv_string_req(v, path, &name, err) < 0)
		return -1;
	*type = rlimit_parse(name);
	if (*type >= 0)
		return 0;
	return err_set(err, 0, "%s: unknown rlimit '%.64s'", path, name);
}

static int parse_rlimit(yajl_val r, size_t i, struct vxn_spec_rlimit *out, struct vxn_err *err)
{
	char p[PATH_BUF], pt[PATH_BUF], ps[PATH_BUF], ph[PATH_BUF];
	snprintf(p, sizeof p, "process.rlimits[%zu]", i);
	snprintf(pt, sizeof pt, "process.rlimits[%zu].type", i);
	snprintf(ps, sizeof ps, "process.rlimits[%zu].soft", i);
	snprintf(ph, sizeof ph, "process.rlimits[%zu].hard", i);
	if (!YAJL_IS_OBJECT(r))
		return err_set(err, 0, "%s: must be an object", p);
	if (!jv_get(r, "soft") || !jv_get(r, "hard"))
		return err_set(err, 0, "%s: missing", jv_get(r, "soft") ? ph : ps);
	if (rlimit_type(jv_get(r, "type"), pt, &out->type, err) < 0 ||
	    jv_u64(jv_get(r, "soft"), ps, UINT64_MAX, &out->soft, err) < 0 ||
	    jv_u64(jv_get(r, "hard"), ph, UINT64_MAX, &out->hard, err) < 0)
		return -1;
	if (out->soft > out->hard)
		return err_set(err, 0, "%s: soft limit above hard limit", p);
	return 0;
}

static int parse_rlimits(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val rl = jv_get(proc, "rlimits");
	if (!rl)
		return 0;
	if (jv_array(rl, "process.rlimits", err) < 0 ||
	    list_bound(rl->u.array.len, "process.rlimits", err) < 0)
		return -1;
	s->rlimits = calloc(rl->u.array.len + 1, sizeof *s->rlimits);
	if (!s->rlimits)
		return err_set(err, ENOMEM, "process.rlimits");
	for (size_t i = 0; i < rl->u.array.len; i++) {
		if (parse_rlimit(rl->u.array.values[i], i, &s->rlimits[i], err) < 0)
			return -1;
		s->nrlimits = i + 1;
	}
	return 0;
}

static int parse_cap_set(yajl_val caps, const char *set, uint64_t *mask, struct vxn_err *err)
{
	char p[PATH_BUF];
	yajl_val v = jv_get(caps, set);

	snprintf(p, sizeof p, "process.capabilities.%s", set);
	if (jv_array(v, p, err) < 0 || (v && list_bound(v->u.array.len, p, err) < 0))
		return -1;
	for (size_t i = 0; v && i < v->u.array.len; i++) {
		yajl_val name = v->u.array.values[i];
		if (!YAJL_IS_STRING(name))
			return err_set(err, 0, "%s[%zu]: must be a string", p, i);
		int cap = cap_parse(name->u.string);
		if (cap < 0)
			log_warn("%s[%zu]: ignoring unknown or unavailable capability '%.40s'",
				 p, i, name->u.string);
		else
			*mask |= 1ull << cap;
	}
	return 0;
}

static int parse_caps(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val caps = jv_get(proc, "capabilities");

	if (!caps)
		return 0;
	if (jv_object(caps, "process.capabilities", err) < 0 ||
	    parse_cap_set(caps, "bounding", &s->caps.bounding, err) < 0 ||
	    parse_cap_set(caps, "effective", &s->caps.effective, err) < 0 ||
	    parse_cap_set(caps, "permitted", &s->caps.permitted, err) < 0 ||
	    parse_cap_set(caps, "inheritable", &s->caps.inheritable, err) < 0 ||
	    parse_cap_set(caps, "ambient", &s->caps.ambient, err) < 0)
		return -1;
	return 0;
}

/* capabilities, noNewPrivileges, oomScoreAdj */
static int parse_privileges(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val oom = jv_get(proc, "oomScoreAdj");
	int64_t adj = 0;

	if (parse_caps(proc, s, err) < 0 ||
	    jv_bool(jv_get(proc, "noNewPrivileges"), "process.noNewPrivileges",
		    &s->no_new_privileges, err) < 0 ||
	    jv_i64(oom, "process.oomScoreAdj", &adj, err) < 0)
		return -1;
	if (adj < VXN_OOM_SCORE_ADJ_MIN || adj > VXN_OOM_SCORE_ADJ_MAX)
		return err_set(err, 0, "process.oomScoreAdj: must be from %d to %d",
			       VXN_OOM_SCORE_ADJ_MIN, VXN_OOM_SCORE_ADJ_MAX);
	s->oom_score_adj_set = oom != NULL;
	s->oom_score_adj = (int32_t)adj;
	return 0;
}

static int parse_args_env(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val args = jv_get(proc, "args");
	if (!args)
		return err_set(err, 0, "process.args: must not be empty");
	if (jv_strings(args, "process.args", &s->args, &s->nargs, err) < 0)
		return -1;
	if (s->nargs == 0)
		return err_set(err, 0, "process.args: must not be empty");
	if (s->args[0][0] == '\0')
		return err_set(err, 0, "process.args[0]: must not be empty");
	if (jv_strings(jv_get(proc, "env"), "process.env", &s->env, &s->nenv, err) < 0)
		return -1;
	return list_bound(s->nargs, "process.args", err) < 0 ? -1
	       : list_bound(s->nenv, "process.env", err);
}

/* The process object, from config.json or from `vxn exec --process`. */
static int parse_process_object(yajl_val proc, struct vxn_spec *s, struct vxn_err *err)
{
	if (jv_object(proc, "process", err) < 0 ||
	    jv_bool(jv_get(proc, "terminal"), "process.terminal", &s->terminal, err) < 0 ||
	    parse_console(proc, s, err) < 0 || parse_args_env(proc, s, err) < 0 ||
	    jv_string(jv_get(proc, "cwd"), "process.cwd", &s->cwd, err) < 0)
		return -1;
	if (s->cwd && s->cwd[0] != '/')
		return err_set(err, 0, "process.cwd: must be an absolute path");
	if (parse_user(proc, s, err) < 0 || parse_rlimits(proc, s, err) < 0)
		return -1;
	return parse_privileges(proc, s, err);
}

static int parse_process(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val proc = jv_get(doc, "process");
	if (!proc)
		return err_set(err, 0, "process: missing");
	return parse_process_object(proc, s, err);
}

static int parse_mount(yajl_val m, size_t i, struct vxn_spec_mount *out, struct vxn_err *err)
{
	char p[PATH_BUF], pd[PATH_BUF], pt[PATH_BUF], ps[PATH_BUF], po[PATH_BUF];
	snprintf(p, sizeof p, "mounts[%zu]", i);
	snprintf(pd, sizeof pd, "mounts[%zu].destination", i);
	snprintf(pt, sizeof pt, "mounts[%zu].type", i);
	snprintf(ps, sizeof ps, "mounts[%zu].source", i);
	snprintf(po, sizeof po, "mounts[%zu].options", i);
	if (!YAJL_IS_OBJECT(m))
		return err_set(err, 0, "%s: must be an object", p);
	if (jv_string_req(jv_get(m, "destination"), pd, &out->destination, err) < 0 ||
	    jv_string(jv_get(m, "type"), pt, &out->type, err) < 0 ||
	    jv_string(jv_get(m, "source"), ps, &out->source, err) < 0 ||
	    jv_strings(jv_get(m, "options"), po, &out->options, &out->noptions, err) < 0)
		return -1;
	if (out->destination[0] != '/')
		return err_set(err, 0, "%s: must be an absolute path", pd);
	return 0;
}

static int parse_mounts(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val ms = jv_get(doc, "mounts");
	if (!ms)
		return 0;
	if (jv_array(ms, "mounts", err) < 0 || list_bound(ms->u.array.len, "mounts", err) < 0)
		return -1;
	s->mounts = calloc(ms->u.array.len + 1, sizeof *s->mounts);
	if (!s->mounts)
		return err_set(err, ENOMEM, "mounts");
	for (size_t i = 0; i < ms->u.array.len; i++) {
		s->nmounts = i + 1; /* counted first: spec_free frees a half-parsed entry */
		if (parse_mount(ms->u.array.values[i], i, &s->mounts[i], err) < 0)
			return -1;
	}
	return 0;
}

static int parse_annotations(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val a = jv_get(doc, "annotations");
	if (!a)
		return 0;
	if (jv_object(a, "annotations", err) < 0)
		return -1;
	size_t n = a->u.object.len;
	s->annotations = calloc(n + 1, sizeof *s->annotations);
	if (!s->annotations)
		return err_set(err, ENOMEM, "annotations");
	for (size_t i = 0; i < n; i++) {
		char p[PATH_BUF];
		snprintf(p, sizeof p, "annotations.%.64s", a->u.object.keys[i]);
		struct vxn_annotation *an = &s->annotations[i];
		s->nannotations = i + 1;
		if (jv_string(a->u.object.values[i], p, &an->value, err) < 0)
			return -1;
		if (!an->value)
			return err_set(err, 0, "%s: must be a string", p);
		if (!(an->key = strdup(a->u.object.keys[i])))
			return err_set(err, ENOMEM, "annotations");
	}
	return 0;
}

static int parse_resources(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val linux_ = jv_get(doc, "linux");
	yajl_val res = jv_get(linux_, "resources");
	yajl_val mem = jv_get(res, "memory");
	yajl_val cpu = jv_get(res, "cpu");
	if (jv_object(linux_, "linux", err) < 0 || jv_object(res, "linux.resources", err) < 0 ||
	    jv_object(mem, "linux.resources.memory", err) < 0 ||
	    jv_object(cpu, "linux.resources.cpu", err) < 0 ||
	    jv_i64(jv_get(mem, "limit"), "linux.resources.memory.limit", &s->memory_limit, err) < 0 ||
	    jv_i64(jv_get(cpu, "quota"), "linux.resources.cpu.quota", &s->cpu_quota, err) < 0 ||
	    jv_u64(jv_get(cpu, "period"), "linux.resources.cpu.period", UINT64_MAX, &s->cpu_period, err) < 0)
		return -1;
	/* 0 and negative values mean "no limit" to runc */
	if (s->memory_limit <= 0)
		s->memory_limit = -1;
	if (s->cpu_quota <= 0)
		s->cpu_quota = -1;
	return 0;
}

/* The namespace types runc knows; any other is a mistake in the spec. */
static bool namespace_type_known(const char *t)
{
	static const char *const types[] = { "pid", "network", "mount", "ipc", "uts",
					     "user", "cgroup", "time" };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(t, types[i]) == 0)
			return true;
	return false;
}

/* The network namespace is the pid-file process's (vxn's monitor): absent,
 * the host's; without a path, a new one (Docker's prestart hook wires it);
 * with a path, that one (Podman, CRI). The guest takes its interfaces over. */
static int keep_network_namespace(struct vxn_spec *s, const char *pt, const char *pp,
				  char **path, struct vxn_err *err)
{
	if (s->netns != VXN_NETNS_HOST)
		return err_set(err, 0, "%s: a second network namespace", pt);
	if (*path && (*path)[0] != '/')
		return err_set(err, 0, "%s: must be an absolute path", pp);
	s->netns = *path ? VXN_NETNS_PATH : VXN_NETNS_NEW;
	s->netns_path = *path;
	*path = NULL;
	return 0;
}

static int parse_namespace(yajl_val ns, size_t i, struct vxn_spec *s, struct vxn_err *err)
{
	char p[PATH_BUF], pt[PATH_BUF], pp[PATH_BUF];
	cleanup_free char *type = NULL, *path = NULL;

	snprintf(p, sizeof p, "linux.namespaces[%zu]", i);
	snprintf(pt, sizeof pt, "linux.namespaces[%zu].type", i);
	snprintf(pp, sizeof pp, "linux.namespaces[%zu].path", i);
	if (!YAJL_IS_OBJECT(ns))
		return err_set(err, 0, "%s: must be an object", p);
	if (jv_string_req(jv_get(ns, "type"), pt, &type, err) < 0 ||
	    jv_string(jv_get(ns, "path"), pp, &path, err) < 0)
		return -1;
	if (!namespace_type_known(type))
		return err_set(err, 0, "%s: unknown namespace type '%.32s'", pt, type);
	if (strcmp(type, "network") == 0)
		return keep_network_namespace(s, pt, pp, &path, err);
	if (strcmp(type, "pid") == 0 && !path)
		s->new_pid_namespace = true;
	else if (strcmp(type, "pid") == 0)
		log_debug("%s %s: a host namespace, not joined: the container's process "
			  "stays in the guest's own PID namespace", pp, path);
	return 0;
}

static int parse_namespaces(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val nss = jv_get(jv_get(doc, "linux"), "namespaces");
	if (jv_array(nss, "linux.namespaces", err) < 0)
		return -1;
	for (size_t i = 0; nss && i < nss->u.array.len; i++)
		if (parse_namespace(nss->u.array.values[i], i, s, err) < 0)
			return -1;
	return 0;
}

static int refuse_other_platforms(yajl_val doc, struct vxn_err *err)
{
	static const char *const others[] = { "windows", "solaris", "zos" };
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (jv_get(doc, others[i]))
			return err_set(err, 0, "%s: vxn runs Linux containers only", others[i]);
	return 0;
}

static int spec_from_tree(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	if (!YAJL_IS_OBJECT(doc))
		return err_set(err, 0, "config.json: must be a JSON object");
	if (refuse_other_platforms(doc, err) < 0 ||
	    jv_string(jv_get(doc, "ociVersion"), "ociVersion", &s->oci_version, err) < 0 ||
	    parse_root(doc, s, err) < 0 || parse_process(doc, s, err) < 0 ||
	    jv_string(jv_get(doc, "hostname"), "hostname", &s->hostname, err) < 0 ||
	    parse_mounts(doc, s, err) < 0 || parse_annotations(doc, s, err) < 0 ||
	    parse_resources(doc, s, err) < 0 || parse_namespaces(doc, s, err) < 0 ||
	    spec_parse_linux(doc, s, err) < 0)
		return -1;
	return spec_parse_hooks(doc, s, err);
}

static void spec_init(struct vxn_spec *s)
{
	memset(s, 0, sizeof *s);
	s->umask = -1;
	s->memory_limit = -1;
	s->cpu_quota = -1;
}

int spec_parse(const char *json, size_t len, struct vxn_spec *s, struct vxn_err *err)
{
	spec_init(s);
	yajl_val doc = jv_parse(json, len, SPEC_MAX_BYTES, "config.json", err);
	if (!doc)
		return -1;
	int r = spec_from_tree(doc, s, err);
	yajl_tree_free(doc);
	if (r < 0)
		spec_free(s);
	return r;
}

int spec_parse_process(const char *json, size_t len, struct vxn_spec *s, struct vxn_err *err)
{
	spec_init(s);
	yajl_val doc = jv_parse(json, len, SPEC_MAX_BYTES, "process.json", err);
	if (!doc)
		return -1;
	int r = parse_process_object(doc, s, err);
	yajl_tree_free(doc);
	if (r < 0)
		spec_free(s);
	return r;
}

typedef int (*spec_parse_fn)(const char *json, size_t len, struct vxn_spec *s,
			     struct vxn_err *err);

static int load_file(const char *path, spec_parse_fn parse, struct vxn_spec *s,
		     struct vxn_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return err_set(err, 0, "%s: not a regular file", path);
	cleanup_free void *buf = NULL;
	size_t len = 0;
	int r = read_bounded(fd, SPEC_MAX_BYTES, &buf, &len);
	if (r == -E2BIG)
		return err_set(err, 0, "%s: larger than %u bytes", path, SPEC_MAX_BYTES);
	if (r < 0)
		return err_set(err, -r, "%s", path);
	return parse(buf, len, s, err);
}

int spec_load(const char *bundle, struct vxn_spec *s, struct vxn_err *err)
{
	char path[4096];
	memset(s, 0, sizeof *s);
	if (snprintf(path, sizeof path, "%s/config.json", bundle ? bundle : ".") >= (int)sizeof path)
		return err_set(err, ENAMETOOLONG, "bundle path");
	return load_file(path, spec_parse, s, err);
}

int spec_load_process(const char *path, struct vxn_spec *s, struct vxn_err *err)
{
	memset(s, 0, sizeof *s);
	return load_file(path, spec_parse_process, s, err);
}

static void mount_free(struct vxn_spec_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	jv_strv_free(m->options, m->noptions);
}

void spec_free(struct vxn_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	jv_strv_free(s->args, s->nargs);
	jv_strv_free(s->env, s->nenv);
	free(s->cwd);
	free(s->gids);
	free(s->rlimits);
	free(s->hostname);
	for (size_t i = 0; s->mounts && i < s->nmounts; i++)
		mount_free(&s->mounts[i]);
	free(s->mounts);
	for (size_t i = 0; s->annotations && i < s->nannotations; i++) {
		free(s->annotations[i].key);
		free(s->annotations[i].value);
	}
	free(s->annotations);
	spec_hooks_free(s);
	spec_linux_free(s);
	free(s->netns_path);
	memset(s, 0, sizeof *s);
	s->umask = -1;
	s->memory_limit = -1;
	s->cpu_quota = -1;
}

const char *spec_annotation(const struct vxn_spec *s, const char *key)
{
	for (size_t i = 0; i < s->nannotations; i++)
		if (s->annotations[i].key && strcmp(s->annotations[i].key, key) == 0)
			return s->annotations[i].value;
	return NULL;
}
