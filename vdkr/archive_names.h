/* The image names an archive carries, read with libarchive before skopeo
 * copies it: a docker-archive's manifest.json RepoTags, an oci-archive's
 * index.json ref.name annotations. */
#ifndef VDKR_ARCHIVE_NAMES_H
#define VDKR_ARCHIVE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define ARCHIVE_MEMBER_MAX (1u << 20)
#define ARCHIVE_MAX_NAMES 64u

struct archive_names {
	char *v[ARCHIVE_MAX_NAMES];
	size_t n;
};

/* From the tar at path (compressed or not). */
int archive_names_read(const char *path, bool oci, struct archive_names *names,
		       struct vxn_err *err);
/* The parsers alone (pure): manifest.json's RepoTags; index.json's names. */
int docker_manifest_tags(const char *json, size_t len, struct archive_names *names,
			 struct vxn_err *err);
int oci_index_names(const char *json, size_t len, struct archive_names *names,
		    struct vxn_err *err);
void archive_names_free(struct archive_names *names);

#endif
