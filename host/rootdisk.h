/* The container's root disk image, built on the host from plan->rootfs. */
#ifndef VXN_ROOTDISK_H
#define VXN_ROOTDISK_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"
#include "rootdisk_cache.h"
#include "spawn.h"

/* Build plan->disk_image (ext4 or erofs, as plan->disk_format says) from
 * plan->rootfs, then copy plan->copy_in into it, in two halves so that the
 * image can be attached and the domain built while mke2fs fills it: start
 * creates the image exclusively and leaves an ext4 image at its final size
 * with mke2fs running on it (an EROFS image is finished: its size is known
 * only at the end); finish waits for it and copies plan->copy_in in. The
 * guest must not run before finish returned 0. On failure the image is
 * removed; abort kills and removes.
 * With a cache (NULL: none), an image cached for the same tree is copied
 * instead of made, and a made one is kept for the next container. */
struct rootdisk_job {
	bool started;
	struct spawn_job mkfs;
	const struct rootdisk_cache *cache;
	struct rootdisk_key key;   /* the tree as it was before mkfs read it */
	bool from_cache;
};
int rootdisk_start(const struct vxn_plan *p, const struct rootdisk_cache *cache,
		   struct rootdisk_job *job, struct vxn_err *err);
int rootdisk_finish(const struct vxn_plan *p, struct rootdisk_job *job, struct vxn_err *err);
/* The root disk is image, an EROFS image of plan->rootfs made and kept by
 * the caller and shared with other containers (plan_use_shared_image):
 * hard-linked as plan->disk_image, so that removing the container removes
 * only its own name (copied when it cannot be linked). finish
 * and abort then work as after start. */
int rootdisk_start_shared(const struct vxn_plan *p, const char *image,
			  struct rootdisk_job *job, struct vxn_err *err);
void rootdisk_abort(const struct vxn_plan *p, struct rootdisk_job *job);

/* Bytes the ext4 image gets for a tree of used bytes / files (exposed for tests). */
uint64_t rootdisk_ext4_size(uint64_t used, uint64_t files);

#endif
