/* config.json (OCI runtime spec) parsed with yajl into a small owned struct.
 * Only what vxn honours is kept; fields vxn cannot honour are refused by
 * spec_parse with an error naming the field. */
#ifndef VXN_SPEC_H
#define VXN_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vxn-proto.h"
#include "error.h"

struct vxn_spec_mount {
	char *destination;
	char *type;           /* may be NULL (bind mounts often omit it) */
	char *source;         /* may be NULL */
	char **options;
	size_t noptions;
};

struct vxn_spec_rlimit {
	int type;             /* RLIMIT_* from "RLIMIT_NOFILE" etc. */
	uint64_t soft;
	uint64_t hard;
};

struct vxn_annotation {
	char *key;
	char *value;
};

/* OCI hooks, in runc's order of kinds. */
enum vxn_hook_kind {
	VXN_HOOK_PRESTART, VXN_HOOK_CREATE_RUNTIME, VXN_HOOK_CREATE_CONTAINER,
	VXN_HOOK_START_CONTAINER, VXN_HOOK_POSTSTART, VXN_HOOK_POSTSTOP, VXN_HOOK_KINDS
};
extern const char *const spec_hook_kinds[VXN_HOOK_KINDS];  /* their JSON names */

struct vxn_hook {
	char *path;           /* absolute */
	char **args;          /* may be NULL: then argv is { path } */
	size_t nargs;
	char **env;
	size_t nenv;
	unsigned timeout_s;   /* 0: none */
};

struct vxn_hook_list {
	struct vxn_hook *v;
	size_t n;
};

/* Where the container's network namespace comes from. */
enum vxn_netns {
	VXN_NETNS_HOST,       /* none in linux.namespaces: the host's */
	VXN_NETNS_NEW,        /* type network without a path: vxn makes one */
	VXN_NETNS_PATH,       /* with a path: that one is joined */
};

struct vxn_spec {
	char *oci_version;
	char *root_path;      /* as written: absolute, or relative to the bundle */
	bool root_readonly;
	bool terminal;
	uint16_t console_rows;  /* process.consoleSize, 0 if absent */
	uint16_t console_cols;
	char **args;
	size_t nargs;
	char **env;
	size_t nenv;
	char *cwd;
	uint32_t uid;
	uint32_t gid;
	uint32_t *gids;       /* process.user.additionalGids */
	size_t ngids;
	int32_t umask;        /* -1 if absent */
	struct vxn_spec_rlimit *rlimits;
	size_t nrlimits;
	/* process.capabilities; names the guest kernel lacks are dropped, and
	 * without the field every set is empty, as runc does */
	struct vxn_caps caps;
	bool no_new_privileges;
	bool oom_score_adj_set;
	int32_t oom_score_adj;  /* process.oomScoreAdj, -1000..1000 */
	char *hostname;       /* NULL if absent */
	struct vxn_spec_mount *mounts;
	size_t nmounts;
	int64_t memory_limit; /* linux.resources.memory.limit in bytes, -1 if absent */
	int64_t cpu_quota;    /* linux.resources.cpu.quota, -1 if absent */
	uint64_t cpu_period;  /* linux.resources.cpu.period, 0 if absent */
	struct vxn_annotation *annotations;
	size_t nannotations;
	bool docker_setkey_hook;  /* hooks.prestart has Docker's libnetwork-setkey */
	/* linux.namespaces asks for a new PID namespace: type "pid" without a
	 * path (a path names a namespace of the host, which a guest cannot join) */
	bool new_pid_namespace;
	struct vxn_hook_list hooks[VXN_HOOK_KINDS];
	enum vxn_netns netns;
	char *netns_path;     /* VXN_NETNS_PATH only */
	/* linux.devices, linux.sysctl ("key=value"), linux.maskedPaths and
	 * linux.readonlyPaths: spec_linux.c */
	struct vxn_device *devices;
	size_t ndevices;
	char **sysctl;
	size_t nsysctl;
	char **masked_paths;
	size_t nmasked_paths;
	char **readonly_paths;
	size_t nreadonly_paths;
};

int spec_parse(const char *json, size_t len, struct vxn_spec *s, struct vxn_err *err);
/* Reads BUNDLE/config.json. */
int spec_load(const char *bundle, struct vxn_spec *s, struct vxn_err *err);
/* An OCI process object alone (`exec --process FILE`): only the process
 * fields of *s are filled (args, env, cwd, user, rlimits, terminal, size,
 * capabilities, noNewPrivileges, oomScoreAdj). */
int spec_parse_process(const char *json, size_t len, struct vxn_spec *s, struct vxn_err *err);
int spec_load_process(const char *path, struct vxn_spec *s, struct vxn_err *err);
void spec_free(struct vxn_spec *s);
/* spec_hooks.c, for spec.c: hooks.*. */
#include <yajl/yajl_tree.h>
int spec_parse_hooks(yajl_val doc, struct vxn_spec *s, struct vxn_err *err);
void spec_hooks_free(struct vxn_spec *s);
/* spec_linux.c, for spec.c: linux.devices, .sysctl, .maskedPaths and
 * .readonlyPaths. */
int spec_parse_linux(yajl_val doc, struct vxn_spec *s, struct vxn_err *err);
void spec_linux_free(struct vxn_spec *s);
/* NULL if absent. */
const char *spec_annotation(const struct vxn_spec *s, const char *key);

#endif
