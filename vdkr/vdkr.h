/* What every vdkr command gets, and the command table's shape. A command
 * returns the process exit status: the container's own, or VDKR_EXIT_ERR
 * (125) with err filled for the frontend's own failures, as docker does. */
#ifndef VDKR_H
#define VDKR_H

#include <limits.h>
#include <stdbool.h>

#include "container.h"
#include "error.h"

#define VDKR_EXIT_ERR 125
#define VDKR_EXIT_CANNOT_INVOKE 126
#define VDKR_EXIT_NOT_FOUND 127

struct vdkr_ctx {
	const char *prog;        /* "vdkr" or "vpdmn": argv[0]'s spelling */
	bool podman;             /* vpdmn: podman's defaults where they differ */
	const char *root;        /* the state directory */
	char run_root[PATH_MAX]; /* ROOT/run: vxn's --root */
	struct vxn_globals g;    /* what vxn's library gets */
};

typedef int (*vdkr_cmd_fn)(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);

int cmd_pull(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_images(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_rmi(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_load(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_save(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_run(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_ps(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_logs(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_stop(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_kill(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_rm(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_wait(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_exec(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_inspect(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);
int cmd_vmemres(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err);

/* getopt's '?' as a one-line error naming the flag. */
int vdkr_bad_flag(int argc, char **argv, struct vxn_err *err);
/* The flags of a command whose only one is -q/--quiet: 0 with *quiet set,
 * or -1 with err set; optind is then at the first argument. */
int vdkr_quiet_flag(int argc, char **argv, bool *quiet, struct vxn_err *err);

#endif
