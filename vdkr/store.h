/* The image store: ROOT/images is one OCI image layout (index.json, one
 * content-addressed blobs/sha256 shared by every image, so layers are stored
 * once), ROOT/tmp holds pulls in progress, ROOT/lock is flock'ed: shared by
 * readers (images, run's unpack), exclusive by writers (pull, load, rmi).
 * A pull lands in a layout of its own under ROOT/tmp whose blobs go straight
 * into the shared blobs dir (skopeo writes each one to a temporary name and
 * renames it); only when it is complete is its manifest added to the
 * store's index.json (written to a temporary file, then renamed), so an
 * interrupted pull never leaves an image that looks whole. */
#ifndef VDKR_STORE_H
#define VDKR_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/file.h>

#include "error.h"
#include "imgindex.h"
#include "runspec.h"

struct store {
	char root[PATH_MAX];
	char layout[PATH_MAX];  /* ROOT/images */
	int lock_fd;
};

/* Makes the store when missing; lock is LOCK_SH or LOCK_EX. */
int store_open(struct store *s, const char *root, int lock, struct vxn_err *err);
void store_close(struct store *s);

int store_index(struct store *s, struct imgindex *ix, struct vxn_err *err);
/* 1 with *e filled, 0 when there is no image of that name. */
int store_lookup(struct store *s, const char *name, struct imgindex_entry *e,
		 struct vxn_err *err);

int store_write_index(struct store *s, const struct imgindex *ix, struct vxn_err *err);
/* A blob's content (at most max bytes) and a manifest blob parsed. */
int store_blob(struct store *s, const char *digest, size_t max, char **out, size_t *len,
	       struct vxn_err *err);
int store_manifest(struct store *s, const char *digest, struct manifest *m,
		   struct vxn_err *err);

struct image_info {
	char config_digest[80];   /* docker's image ID */
	uint64_t size;            /* config and layers, as stored (compressed) */
	struct image_config config;
};
int store_image_info(struct store *s, const struct imgindex_entry *e, struct image_info *info,
		     struct vxn_err *err);
void image_info_free(struct image_info *info);

/* Where an image comes from: a skopeo source ("docker://...",
 * "docker-archive:PATH:TAG", "oci-archive:PATH[:REF]") and the name it gets. */
struct pull_src {
	const char *source;
	const char *name;       /* canonical reference */
	const char *registry;   /* for messages when the source is a registry, else NULL */
	bool plain_http;        /* a registry on the loopback */
};
/* Needs LOCK_EX. progress: skopeo's own lines on stderr (a terminal). The
 * blobs a failed pull wrote are removed; a full store fails with ENOSPC. */
int store_pull(struct store *s, const struct pull_src *p, bool progress, struct vxn_err *err);
/* Needs LOCK_EX: removes the name, then every blob and unpacked image no
 * image refers to. */
int store_remove(struct store *s, const char *name, struct vxn_err *err);
/* Needs LOCK_EX: removes every blob no image of the index refers to (what
 * a failed pull wrote). */
int store_collect(struct store *s, struct vxn_err *err);
/* In an unpacked image's directory: its rootfs as a read-only EROFS image,
 * which each container attaches as its root disk (vxn_create_opts'
 * root_image; its writes go to a tmpfs overlay in its guest). Absent when
 * mkfs.erofs is not installed or the image was unpacked before vdkr made
 * it: then each container gets a root disk of its own. */
#define STORE_ROOT_IMAGE "rootfs.erofs"
/* umoci unpack of the image into bundle (rootfs + config.json). */
int store_unpack(struct store *s, const char *name, const char *bundle, struct vxn_err *err);
/* The image unpacked once per manifest digest, in ROOT/unpacked/HEX
 * (config.json + rootfs, and STORE_ROOT_IMAGE), shared by its containers:
 * vxn only reads a rootfs, so the second container of an image skips umoci,
 * and with the image's root disk made here it makes no disk either. Made in
 * a temporary directory and renamed into place, so a half unpack is never
 * found. Needs at least LOCK_SH; *dir is that directory. */
int store_unpacked(struct store *s, const char *name, const char *digest, char *dir, size_t len,
		   struct vxn_err *err);
/* skopeo copy to a docker-archive at dest, tagged tag. */
int store_save(struct store *s, const char *name, const char *dest, const char *tag,
	       struct vxn_err *err);

/* rm -r dir, never following symlinks; what it cannot remove is logged. */
void remove_tree(const char *dir);

#endif
