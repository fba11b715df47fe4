/* What a container runs, docker's way, from the image's config and `run`'s
 * flags: the argv (Entrypoint + Cmd, either replaced by flags), the
 * environment (-e and --env-file over the image's) and the user (-u by name
 * or number, looked up in the image's /etc/passwd and /etc/group). Pure. */
#ifndef VDKR_RUNSPEC_H
#define VDKR_RUNSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "runopts.h"

#define IMAGE_CONFIG_MAX (1u << 20)

/* The fields of an OCI image config blob that `run` and `inspect` use. */
struct image_config {
	char **entrypoint;
	size_t nentrypoint;
	char **cmd;
	size_t ncmd;
	char *stop_signal;   /* NULL: SIGTERM */
	char *created;       /* NULL when the image says nothing */
};

int image_config_parse(const char *json, size_t len, struct image_config *c,
		       struct vxn_err *err);
void image_config_free(struct image_config *c);

/* Entrypoint + Cmd: args after the image replace Cmd; --entrypoint replaces
 * Entrypoint and drops the image's Cmd. A NULL-terminated malloc'd vector. */
int run_args(const struct image_config *c, const struct run_opts *o, char ***args,
	     size_t *n, struct vxn_err *err);

/* A malloc'd environment (K=V strings) that env_set grows. */
struct env_list {
	char **v;
	size_t n;
};
/* "K=V" replaces K or is added; "K" alone takes K from lookup (getenv in
 * the program), and is dropped when it has no value there. */
int env_set(struct env_list *e, const char *kv, const char *(*lookup)(const char *),
	    struct vxn_err *err);
/* One --env-file's text: "K=V" or "K" lines; blank and '#' lines skipped. */
int env_file_apply(struct env_list *e, const char *text, size_t len, const char *what,
		   const char *(*lookup)(const char *), struct vxn_err *err);
void env_list_free(struct env_list *e);

/* -u NAME|UID[:GROUP|GID] against the image's passwd and group texts (either
 * may be NULL: numbers only then). A UID alone takes its passwd entry's gid
 * (0 without one), as docker does. */
int user_resolve(const char *spec, const char *passwd, const char *group, uint32_t *uid,
		 uint32_t *gid, struct vxn_err *err);

#endif
