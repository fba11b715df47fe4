/* The image store's index.json (an OCI image layout's): one manifest
 * descriptor per image name, the name in the org.opencontainers.image.ref.name
 * annotation, as skopeo and umoci read and write it. Pure: text in and out. */
#ifndef VDKR_IMGINDEX_H
#define VDKR_IMGINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ref.h"

#define IMGINDEX_MAX (8u << 20)
#define IMGINDEX_MAX_ENTRIES 4096u
#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"

struct imgindex_entry {
	char name[REF_MAX];        /* the canonical reference (ref.h) */
	char media_type[128];
	char digest[80];           /* "sha256:<hex>" */
	uint64_t size;
};

struct imgindex {
	struct imgindex_entry *e;
	size_t n;
};

/* Entries without a name are dropped (nothing can refer to them); a
 * descriptor that is malformed is an error naming it. */
int imgindex_parse(const char *json, size_t len, struct imgindex *ix, struct vxn_err *err);
/* Adds the entry, replacing one of the same name. */
int imgindex_put(struct imgindex *ix, const struct imgindex_entry *e, struct vxn_err *err);
/* 0 removed, -1 when no entry has that name. */
int imgindex_remove(struct imgindex *ix, const char *name);
const struct imgindex_entry *imgindex_find(const struct imgindex *ix, const char *name);
char *imgindex_dump(const struct imgindex *ix);
void imgindex_free(struct imgindex *ix);
/* "sha256:" + 64 lowercase hex digits. */
int digest_valid(const char *d);


/* An image manifest's blobs: the config and the layers. */
#define MANIFEST_MAX (4u << 20)
#define MANIFEST_MAX_LAYERS 1024u

struct manifest {
	char config[80];
	uint64_t config_size;
	char (*layers)[80];
	size_t nlayers;
	uint64_t layers_size;
};

int manifest_parse(const char *json, size_t len, struct manifest *m, struct vxn_err *err);
void manifest_free(struct manifest *m);

#endif
