#include "archive_names.h"

#include <errno.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "imgindex.h"
#include "jsonv.h"

static int add(struct archive_names *names, const char *s, struct vxn_err *err)
{
	if (names->n >= ARCHIVE_MAX_NAMES)
		return err_set(err, 0, "more than %u image names", ARCHIVE_MAX_NAMES);
	if (!(names->v[names->n] = strdup(s)))
		return err_set(err, ENOMEM, "image names");
	names->n++;
	return 0;
}

int docker_manifest_tags(const char *json, size_t len, struct archive_names *names,
			 struct vxn_err *err)
{
	yajl_val root = jv_parse(json, len, ARCHIVE_MEMBER_MAX, "manifest.json", err);
	int r = root ? jv_array(root, "manifest.json", err) : -1;

	for (size_t i = 0; r == 0 && i < root->u.array.len; i++) {
		yajl_val v = jv_get(root->u.array.values[i], "RepoTags");
		char **tags = NULL;
		size_t n = 0;
		if (YAJL_IS_NULL(v))
			continue;  /* an untagged image: docker writes null */
		r = jv_strings(v, "manifest.json RepoTags", &tags, &n, err);
		for (size_t t = 0; r == 0 && t < n; t++)
			r = add(names, tags[t], err);
		jv_strv_free(tags, n);
	}
	yajl_tree_free(root);
	if (r)
		archive_names_free(names);
	return r;
}

int oci_index_names(const char *json, size_t len, struct archive_names *names,
		    struct vxn_err *err)
{
	struct imgindex ix;
	int r = 0;

	if (imgindex_parse(json, len, &ix, err))
		return -1;
	for (size_t i = 0; r == 0 && i < ix.n; i++)
		r = add(names, ix.e[i].name, err);
	imgindex_free(&ix);
	if (r)
		archive_names_free(names);
	return r;
}

void archive_names_free(struct archive_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	names->n = 0;
}

/* The member called name (at the archive's top), at most max bytes. */
static int read_member(struct archive *a, const char *name, char **out, size_t *len,
		       struct vxn_err *err)
{
	struct archive_entry *e;

	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		if (!strncmp(p, "./", 2))
			p += 2;
		if (strcmp(p, name))
			continue;
		if (archive_entry_size(e) < 0 || archive_entry_size(e) > ARCHIVE_MEMBER_MAX)
			return err_set(err, 0, "%s: larger than %u bytes", name, ARCHIVE_MEMBER_MAX);
		*len = (size_t)archive_entry_size(e);
		if (!(*out = malloc(*len + 1)))
			return err_set(err, ENOMEM, "%s", name);
		if (archive_read_data(a, *out, *len) != (la_ssize_t)*len) {
			free(*out);
			return err_set(err, 0, "%s: short read", name);
		}
		return 0;
	}
	return err_set(err, 0, "no %s in it: not a%s archive", name,
		       strcmp(name, "index.json") ? " docker" : "n OCI");
}

int archive_names_read(const char *path, bool oci, struct archive_names *names,
		       struct vxn_err *err)
{
	struct archive *a = archive_read_new();
	cleanup_free char *text = NULL;
	size_t len = 0;
	int r = -1;

	memset(names, 0, sizeof(*names));
	if (!a)
		return err_set(err, ENOMEM, "libarchive");
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, path, 16384) != ARCHIVE_OK)
		err_set(err, 0, "%s: %s", path, archive_error_string(a));
	else if (read_member(a, oci ? "index.json" : "manifest.json", &text, &len, err) == 0)
		r = oci ? oci_index_names(text, len, names, err)
			: docker_manifest_tags(text, len, names, err);
	else
		err_wrap(err, "%s", path);
	archive_read_free(a);
	return r;
}
