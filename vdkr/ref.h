/* Image references the way the docker CLI reads them: [REGISTRY/]REPO[:TAG][@DIGEST],
 * a first component with a '.' or ':' (or "localhost") being the registry,
 * docker.io and library/ filled in otherwise. Pure: no I/O. */
#ifndef VDKR_REF_H
#define VDKR_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define REF_MAX 512
#define REF_DEFAULT_REGISTRY "docker.io"

struct image_ref {
	char registry[256];  /* "docker.io", "127.0.0.1:5000", "localhost" */
	char repo[256];      /* "library/busybox" */
	char tag[129];       /* "" when only a digest was given */
	char digest[80];     /* "sha256:<64 hex>" or "" */
};

/* 0, or -1 with "invalid reference format: ..." in err. */
int ref_parse(const char *s, struct image_ref *r, struct vxn_err *err);
/* The store's name for the image: "REGISTRY/REPO:TAG" or "REGISTRY/REPO@DIGEST". */
int ref_canonical(const struct image_ref *r, char *out, size_t len);
/* The repository as `images` shows it: docker.io/library/ dropped like docker does. */
int ref_display_repo(const struct image_ref *r, char *out, size_t len);
/* Registries on the loopback are reached over plain HTTP, as dockerd does
 * for 127.0.0.0/8 (its default insecure registries) and localhost. */
bool ref_registry_is_local(const struct image_ref *r);

#endif
