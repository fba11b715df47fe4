/* Image commands' shared steps, for run as well. */
#ifndef VDKR_IMAGES_H
#define VDKR_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "ref.h"
#include "vdkr.h"

/* What the user typed as the store's canonical name. */
int image_canonical(const char *user, struct image_ref *r, char *canon, size_t len,
		    struct vxn_err *err);
/* Pull r from its registry into the store under the exclusive lock;
 * progress on a terminal unless quiet. */
int image_pull_ref(struct vdkr_ctx *c, const struct image_ref *r, const char *canon,
		   bool quiet, struct vxn_err *err);

#endif
