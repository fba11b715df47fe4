/* OCI hooks, run on the host like runc runs them: in order, each with the
 * container's state JSON on its stdin, within its timeout. */
#ifndef VXN_HOOKS_H
#define VXN_HOOKS_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct hook_state {
	const char *oci_version;
	const char *id;
	const char *status;   /* "creating", "created", "running", "stopped" */
	pid_t pid;            /* the pid-file process (the monitor); 0: left out */
	const char *bundle;
	const struct vxn_annotation *annotations;
	size_t nannotations;
};

/* The state JSON (malloc'd, NUL-terminated) or NULL on allocation failure. */
char *hook_state_json(const struct hook_state *st);
/* Runs every hook of the kind; stops at the first that fails (exit status
 * not 0, a signal, its timeout), which err names with its last output line. */
int hooks_run(const struct vxn_spec *s, enum vxn_hook_kind kind, const struct hook_state *st,
	      struct vxn_err *err);

#endif
