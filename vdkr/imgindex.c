#include "imgindex.h"

#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jsonv.h"

int digest_valid(const char *d)
{
	if (strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return 0;
	return 1;
}

static int copy_field(char *dst, size_t len, const char *src, const char *path,
		      struct vxn_err *err)
{
	if (strlen(src) >= len)
		return err_set(err, 0, "%s: too long", path);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* One manifests[i]: 1 when kept, 0 when skipped (no name), -1 on error. */
static int parse_entry(yajl_val d, size_t i, struct imgindex_entry *e, struct vxn_err *err)
{
	cleanup_free char *name = NULL, *mt = NULL, *dg = NULL;
	char path[64];
	uint64_t size = 0;

	snprintf(path, sizeof(path), "index.json manifests[%zu]", i);
	if (jv_object(d, path, err) ||
	    jv_string(jv_get(jv_get(d, "annotations"), REF_NAME_ANNOTATION), path, &name, err) ||
	    jv_string_req(jv_get(d, "mediaType"), path, &mt, err) ||
	    jv_string_req(jv_get(d, "digest"), path, &dg, err) ||
	    jv_u64(jv_get(d, "size"), path, UINT64_MAX, &size, err))
		return -1;
	if (!name)
		return 0;
	if (!digest_valid(dg))
		return err_set(err, 0, "%s: bad digest", path);
	memset(e, 0, sizeof(*e));
	e->size = size;
	if (copy_field(e->name, sizeof(e->name), name, path, err) ||
	    copy_field(e->media_type, sizeof(e->media_type), mt, path, err) ||
	    copy_field(e->digest, sizeof(e->digest), dg, path, err))
		return -1;
	return 1;
}

int imgindex_parse(const char *json, size_t len, struct imgindex *ix, struct vxn_err *err)
{
	yajl_val root = jv_parse(json, len, IMGINDEX_MAX, "index.json", err);
	yajl_val m = jv_get(root, "manifests");
	int r = 0;

	memset(ix, 0, sizeof(*ix));
	if (!root)
		return -1;
	if (jv_object(root, "index.json", err) || jv_array(m, "index.json manifests", err))
		r = -1;
	size_t n = r == 0 && m ? m->u.array.len : 0;
	if (n > IMGINDEX_MAX_ENTRIES)
		r = err_set(err, 0, "index.json: more than %u images", IMGINDEX_MAX_ENTRIES);
	else if (n && !(ix->e = calloc(n, sizeof(*ix->e))))
		r = err_set(err, ENOMEM, "index.json");
	for (size_t i = 0; r == 0 && i < n; i++) {
		int k = parse_entry(m->u.array.values[i], i, &ix->e[ix->n], err);
		if (k < 0)
			r = -1;
		else if (k > 0 && imgindex_find(ix, ix->e[ix->n].name) == NULL)
			ix->n++;  /* a name given twice: the first one counts, as in umoci */
	}
	yajl_tree_free(root);
	if (r)
		imgindex_free(ix);
	return r;
}

const struct imgindex_entry *imgindex_find(const struct imgindex *ix, const char *name)
{
	for (size_t i = 0; i < ix->n; i++)
		if (!strcmp(ix->e[i].name, name))
			return &ix->e[i];
	return NULL;
}

int imgindex_remove(struct imgindex *ix, const char *name)
{
	const struct imgindex_entry *f = imgindex_find(ix, name);

	if (!f)
		return -1;
	size_t i = (size_t)(f - ix->e);
	memmove(&ix->e[i], &ix->e[i + 1], (ix->n - i - 1) * sizeof(*ix->e));
	ix->n--;
	return 0;
}

int imgindex_put(struct imgindex *ix, const struct imgindex_entry *e, struct vxn_err *err)
{
	imgindex_remove(ix, e->name);
	if (ix->n >= IMGINDEX_MAX_ENTRIES)
		return err_set(err, 0, "the image store holds %u images already", IMGINDEX_MAX_ENTRIES);
	struct imgindex_entry *ne = realloc(ix->e, (ix->n + 1) * sizeof(*ne));
	if (!ne)
		return err_set(err, ENOMEM, "index.json");
	ix->e = ne;
	ix->e[ix->n++] = *e;
	return 0;
}

char *imgindex_dump(const struct imgindex *ix)
{
	yajl_gen g = jg_new(false);

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kint(g, "schemaVersion", 2);
	jg_key(g, "manifests");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ix->n; i++) {
		yajl_gen_map_open(g);
		jg_kstr(g, "mediaType", ix->e[i].media_type);
		jg_kstr(g, "digest", ix->e[i].digest);
		jg_ku64(g, "size", ix->e[i].size);
		jg_key(g, "annotations");
		yajl_gen_map_open(g);
		jg_kstr(g, REF_NAME_ANNOTATION, ix->e[i].name);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return jg_finish(g);
}

void imgindex_free(struct imgindex *ix)
{
	free(ix->e);
	ix->e = NULL;
	ix->n = 0;
}

static int descriptor(yajl_val d, const char *path, char *digest, uint64_t *size,
		      struct vxn_err *err)
{
	cleanup_free char *dg = NULL;

	if (jv_object(d, path, err) || jv_string_req(jv_get(d, "digest"), path, &dg, err) ||
	    jv_u64(jv_get(d, "size"), path, UINT64_MAX, size, err))
		return -1;
	if (!digest_valid(dg))
		return err_set(err, 0, "%s: bad digest", path);
	memcpy(digest, dg, 72);
	return 0;
}

int manifest_parse(const char *json, size_t len, struct manifest *m, struct vxn_err *err)
{
	yajl_val root = jv_parse(json, len, MANIFEST_MAX, "manifest", err);
	yajl_val layers = jv_get(root, "layers");
	int r = -1;

	memset(m, 0, sizeof(*m));
	if (!root)
		return -1;
	if (jv_object(root, "manifest", err) || jv_array(layers, "manifest layers", err) ||
	    descriptor(jv_get(root, "config"), "manifest config", m->config, &m->config_size, err))
		goto out;
	size_t n = layers ? layers->u.array.len : 0;
	if (n > MANIFEST_MAX_LAYERS) {
		err_set(err, 0, "manifest: more than %u layers", MANIFEST_MAX_LAYERS);
		goto out;
	}
	if (n && !(m->layers = calloc(n, sizeof(*m->layers)))) {
		err_set(err, ENOMEM, "manifest");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char path[48];
		uint64_t size = 0;
		snprintf(path, sizeof(path), "manifest layers[%zu]", i);
		if (descriptor(layers->u.array.values[i], path, m->layers[i], &size, err))
			goto out;
		m->nlayers = i + 1;
		m->layers_size += size;
	}
	r = 0;
out:
	yajl_tree_free(root);
	if (r)
		manifest_free(m);
	return r;
}

void manifest_free(struct manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->nlayers = 0;
}
