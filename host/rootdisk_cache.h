/* Finished root disk images kept for the next container of the same rootfs
 * (opt-in: vxn.conf rootdisk_cache = N images). mke2fs was half of a warm
 * pool container's time to its first byte (tests/bench); a cached image is
 * copied instead (sparse, so only its data), and the copy is the
 * container's own to write.
 *
 * A cached image is used only for exactly the tree it was built from: its
 * key is a manifest of the rootfs (real path, and of every entry its path,
 * type and mode, owner, size, inode, device, mtime and ctime) compared byte
 * for byte. Any change to the tree changes a ctime, which no user can set
 * back; so only trees on filesystems whose ctimes the kernel keeps (ext4,
 * xfs, btrfs, tmpfs, overlayfs) are cached, and only trees that had been
 * still for some seconds. The manifest's FNV hash only names the files; two
 * manifests with the same hash are still told apart by the comparison. */
#ifndef VXN_ROOTDISK_CACHE_H
#define VXN_ROOTDISK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

#define ROOTDISK_CACHE_DIR ".rootdisk-cache"  /* in the state root: no container ID
					       * starts with a dot */

struct rootdisk_cache {
	const char *dir;        /* created 0700 when missing */
	unsigned max;           /* images kept, the least recently used go first */
};

struct rootdisk_key {
	char *manifest;
	size_t len;
	uint64_t hash;
	struct timespec made_at;        /* when the tree was read */
	struct timespec newest_change;  /* its latest ctime */
};

/* The key of the tree at rootfs for an image of `format` ("ext4", "erofs"). */
int rootdisk_key_make(const char *rootfs, const char *format, struct rootdisk_key *k,
		      struct vxn_err *err);
void rootdisk_key_free(struct rootdisk_key *k);
/* Whether the tree had been still for some seconds when k was made: only
 * then may an image of it be kept (a change within the same timestamp tick
 * could be invisible). */
bool rootdisk_key_settled(const struct rootdisk_key *k);
bool rootdisk_key_equal(const struct rootdisk_key *a, const struct rootdisk_key *b);

/* Copy the image cached for k to dest (created exclusively): 1, or 0 when
 * there is none, or -1 (dest is then removed). */
int rootdisk_cache_get(const struct rootdisk_cache *c, const struct rootdisk_key *k,
		       const char *dest, struct vxn_err *err);
/* Keep a copy of image for k, dropping the least recently used beyond c->max. */
int rootdisk_cache_put(const struct rootdisk_cache *c, const struct rootdisk_key *k,
		       const char *image, struct vxn_err *err);

/* Copy src to dest (created exclusively, mode 0600) with its holes. */
int copy_sparse(const char *src, const char *dest, struct vxn_err *err);

#endif
