/* The frontend's record of its containers: ROOT/containers/ID holds
 * vdkr.json (what vxn does not know: the name, the image, the command, --rm),
 * the bundle umoci unpacked, and a detached container's stdout.log and
 * stderr.log; ROOT/names/NAME is a symlink to the ID, made with symlink(2)
 * so that two runs cannot take one name. vxn's own state is in ROOT/run. */
#ifndef VDKR_CTR_H
#define VDKR_CTR_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>

#include "ref.h"
#include "vdkr.h"

#define CTR_ID_LEN 64

struct ctr {
	char id[CTR_ID_LEN + 1];
	char name[256];
	char image[REF_MAX];        /* the canonical reference */
	char image_digest[80];      /* the manifest it was made from */
	char created[40];
	char command[1024];         /* args joined by spaces, for ps */
	char stop_signal[16];       /* "" : TERM */
	char rootfs[PATH_MAX];      /* the image's unpacked rootfs it runs from */
	bool rm;
};

int ctr_new_id(char id[CTR_ID_LEN + 1], struct vxn_err *err);
/* ROOT/containers/ID, or a file in it when file is not NULL. */
int ctr_path(const struct vdkr_ctx *c, const char *id, const char *file, char *out, size_t len);
/* Makes ROOT/containers/ID and claims the name: docker's conflict message
 * when another container has it. */
int ctr_create(const struct vdkr_ctx *c, const struct ctr *t, struct vxn_err *err);
int ctr_save(const struct vdkr_ctx *c, const struct ctr *t, struct vxn_err *err);
int ctr_load(const struct vdkr_ctx *c, const char *id, struct ctr *t, struct vxn_err *err);
/* By name, full ID or unique ID prefix: "No such container: X" otherwise. */
int ctr_find(const struct vdkr_ctx *c, const char *what, struct ctr *t, struct vxn_err *err);
/* Every container, oldest first (malloc'd array). */
int ctr_list(const struct vdkr_ctx *c, struct ctr **out, size_t *n, struct vxn_err *err);
/* The frontend's part (its directory and name); vxn's is container_delete's. */
void ctr_remove(const struct vdkr_ctx *c, const struct ctr *t);

/* vxn's container (deleted, forced) and then the frontend's part. */
void ctr_remove_all(struct vdkr_ctx *c, const struct ctr *t);
/* A file of its rootfs resolved inside it (malloc'd text), NULL when absent. */
char *ctr_rootfs_file(const struct vdkr_ctx *c, const struct ctr *t, const char *path);

/* The container's status through vxn; *exit_code is the recorded exit
 * status once it stopped (-1 before, or when none was recorded). */
int ctr_status(const struct vdkr_ctx *c, const struct ctr *t, enum vxn_status *s,
	       int *exit_code, struct vxn_err *err);
/* The exit status the monitor recorded, -1 while there is none. */
int ctr_exit_recorded(const struct vdkr_ctx *c, const struct ctr *t);
int ctr_exit_recorded_id(const struct vdkr_ctx *c, const char *id);
/* Until it stops: its exit status. */
int ctr_wait_exit(const struct vdkr_ctx *c, const struct ctr *t, struct vxn_err *err);

#endif
