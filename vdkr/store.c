/* The store's files and lock: index.json, blobs, collecting unused blobs.
 * The tools that fill and read it (skopeo, umoci) are in store_tools.c. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "files.h"
#include "log.h"
#include "util.h"

#define OCI_LAYOUT "{\"imageLayoutVersion\":\"1.0.0\"}"
#define EMPTY_INDEX "{\"schemaVersion\":2,\"manifests\":[]}"

/* Written to a temporary name, flushed, then renamed over path. */
static int write_atomic(const char *path, const char *text, struct vxn_err *err)
{
	char tmp[PATH_MAX];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid()) >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "%s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(err, errno, "%s", tmp);
	if (write_all(fd, text, strlen(text)) || fsync(fd)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return err_set(err, e, "writing %s", path);
	}
	close(fd);
	if (rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return err_set(err, e, "rename %s", path);
	}
	return 0;
}

static int path_in(char *out, size_t len, const char *dir, const char *name,
		   struct vxn_err *err)
{
	if ((size_t)snprintf(out, len, "%s/%s", dir, name) >= len)
		return err_set(err, ENAMETOOLONG, "%s/%s", dir, name);
	return 0;
}

static int ensure_file(const char *dir, const char *name, const char *text, struct vxn_err *err)
{
	char p[PATH_MAX];

	if (path_in(p, sizeof(p), dir, name, err))
		return -1;
	return access(p, F_OK) == 0 ? 0 : write_atomic(p, text, err);
}

static int make_dirs(struct store *s, struct vxn_err *err)
{
	char p[PATH_MAX];
	int r;

	if (path_in(p, sizeof(p), s->layout, "blobs/sha256", err))
		return -1;
	if ((r = mkdir_p(p, 0700)) < 0)
		return err_set(err, -r, "image store %s", p);
	if (path_in(p, sizeof(p), s->root, "tmp", err))
		return -1;
	if ((r = mkdir_p(p, 0700)) < 0)
		return err_set(err, -r, "image store %s", p);
	return 0;
}

int store_open(struct store *s, const char *root, int lock, struct vxn_err *err)
{
	char p[PATH_MAX];

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	/* skopeo's and umoci's transports split "PATH:NAME" at the first ':' */
	if (strchr(root, ':'))
		return err_set(err, 0, "state directory %s: must not contain ':'", root);
	if ((size_t)snprintf(s->root, sizeof(s->root), "%s", root) >= sizeof(s->root) ||
	    path_in(s->layout, sizeof(s->layout), root, "images", err) ||
	    path_in(p, sizeof(p), root, "lock", err))
		return err_set(err, ENAMETOOLONG, "state directory");
	int r = mkdir_p(root, 0700);
	if (r < 0)
		return err_set(err, -r, "state directory %s", root);
	s->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return err_set(err, errno, "%s", p);
	if (flock(s->lock_fd, lock | LOCK_NB)) {
		log_info("waiting for the image store lock (%s): another vdkr uses it", p);
		while (flock(s->lock_fd, lock))
			if (errno != EINTR)
				return err_set(err, errno, "locking %s", p);
	}
	if (make_dirs(s, err) || ensure_file(s->layout, "oci-layout", OCI_LAYOUT, err) ||
	    ensure_file(s->layout, "index.json", EMPTY_INDEX, err)) {
		store_close(s);
		return -1;
	}
	return 0;
}

void store_close(struct store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}

static int read_file(const char *path, size_t max, char **out, size_t *len, struct vxn_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	void *buf;

	if (fd < 0)
		return err_set(err, errno, "%s", path);
	int r = read_bounded(fd, max, &buf, len);
	if (r < 0)
		return err_set(err, -r, "reading %s", path);
	*out = buf;
	return 0;
}

int store_index(struct store *s, struct imgindex *ix, struct vxn_err *err)
{
	cleanup_free char *text = NULL;
	char p[PATH_MAX];
	size_t len;

	if (path_in(p, sizeof(p), s->layout, "index.json", err) ||
	    read_file(p, IMGINDEX_MAX, &text, &len, err))
		return -1;
	return imgindex_parse(text, len, ix, err);
}

int store_write_index(struct store *s, const struct imgindex *ix, struct vxn_err *err)
{
	cleanup_free char *text = imgindex_dump(ix);
	char p[PATH_MAX];

	if (!text)
		return err_set(err, ENOMEM, "index.json");
	if (path_in(p, sizeof(p), s->layout, "index.json", err))
		return -1;
	return write_atomic(p, text, err);
}

int store_lookup(struct store *s, const char *name, struct imgindex_entry *e,
		 struct vxn_err *err)
{
	struct imgindex ix;

	if (store_index(s, &ix, err))
		return -1;
	const struct imgindex_entry *f = imgindex_find(&ix, name);
	if (f)
		*e = *f;
	imgindex_free(&ix);
	return f ? 1 : 0;
}

/* A blob by digest (validated first: it becomes a path). */
int store_blob(struct store *s, const char *digest, size_t max, char **out, size_t *len,
	       struct vxn_err *err)
{
	char p[PATH_MAX];

	if (!digest_valid(digest))
		return err_set(err, 0, "bad digest '%.80s'", digest);
	if ((size_t)snprintf(p, sizeof(p), "%s/blobs/sha256/%s", s->layout, digest + 7) >=
	    sizeof(p))
		return err_set(err, ENAMETOOLONG, "blob path");
	return read_file(p, max, out, len, err);
}

int store_manifest(struct store *s, const char *digest, struct manifest *m,
		   struct vxn_err *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (store_blob(s, digest, MANIFEST_MAX, &text, &len, err))
		return -1;
	return manifest_parse(text, len, m, err);
}

int store_image_info(struct store *s, const struct imgindex_entry *e, struct image_info *info,
		     struct vxn_err *err)
{
	struct manifest m;
	cleanup_free char *text = NULL;
	size_t len;

	memset(info, 0, sizeof(*info));
	if (store_manifest(s, e->digest, &m, err))
		return err_wrap(err, "image %s", e->name);
	memcpy(info->config_digest, m.config, sizeof(info->config_digest));
	info->size = m.config_size + m.layers_size;
	manifest_free(&m);
	if (store_blob(s, info->config_digest, IMAGE_CONFIG_MAX, &text, &len, err) ||
	    image_config_parse(text, len, &info->config, err))
		return err_wrap(err, "image %s", e->name);
	return 0;
}

void image_info_free(struct image_info *info)
{
	image_config_free(&info->config);
}

/* ------------------------------------------------------------ rmi */

struct digest_set {
	char (*d)[80];
	size_t n, cap;
};

static int set_add(struct digest_set *s, const char *d)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char (*nd)[80] = realloc(s->d, cap * sizeof(*nd));
		if (!nd)
			return -1;
		s->d = nd;
		s->cap = cap;
	}
	snprintf(s->d[s->n++], 80, "%s", d);
	return 0;
}

static bool set_has(const struct digest_set *s, const char *hex)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->d[i] + 7, hex))
			return true;
	return false;
}

/* Every blob an image of ix refers to. A manifest that cannot be read
 * stops the collection: better keep garbage than lose a layer. */
static int referenced(struct store *s, const struct imgindex *ix, struct digest_set *set,
		      struct vxn_err *err)
{
	for (size_t i = 0; i < ix->n; i++) {
		struct manifest m;
		if (store_manifest(s, ix->e[i].digest, &m, err))
			return err_wrap(err, "image %s", ix->e[i].name);
		int r = set_add(set, ix->e[i].digest) | set_add(set, m.config);
		for (size_t l = 0; l < m.nlayers; l++)
			r |= set_add(set, m.layers[l]);
		manifest_free(&m);
		if (r)
			return err_set(err, ENOMEM, "blob list");
	}
	return 0;
}

static int collect_garbage(struct store *s, const struct imgindex *ix, struct vxn_err *err)
{
	struct digest_set set = { 0 };
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;

	if (referenced(s, ix, &set, err)) {
		free(set.d);
		return -1;
	}
	if (path_in(dir, sizeof(dir), s->layout, "blobs/sha256", err)) {
		free(set.d);
		return -1;
	}
	if (!(d = opendir(dir))) {
		free(set.d);
		return err_set(err, errno, "%s", dir);
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && !set_has(&set, de->d_name) &&
		    unlinkat(dirfd(d), de->d_name, 0) && errno != ENOENT)
			log_warn("cannot remove blob %s: %s", de->d_name, strerror(errno));
	closedir(d);
	free(set.d);
	return 0;
}

int store_collect(struct store *s, struct vxn_err *err)
{
	struct imgindex ix;

	if (store_index(s, &ix, err))
		return -1;
	int r = collect_garbage(s, &ix, err);
	imgindex_free(&ix);
	return r;
}

/* Unpacked images of digests no longer named, and temporary unpacks a
 * killed run left (no run unpacks while the exclusive lock is held). */
static void remove_unpacked(struct store *s, const struct imgindex *ix)
{
	char dir[PATH_MAX], p[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/unpacked", s->root) >= sizeof(dir) ||
	    !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		bool used = false;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (size_t i = 0; i < ix->n && !used; i++)
			used = !strcmp(ix->e[i].digest + 7, de->d_name);
		if (!used && (size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) < sizeof(p))
			remove_tree(p);
	}
	closedir(d);
}

int store_remove(struct store *s, const char *name, struct vxn_err *err)
{
	struct imgindex ix;
	int r;

	if (store_index(s, &ix, err))
		return -1;
	if (imgindex_remove(&ix, name)) {
		imgindex_free(&ix);
		return err_set(err, 0, "No such image: %s", name);
	}
	r = store_write_index(s, &ix, err);
	if (r == 0)
		remove_unpacked(s, &ix);
	if (r == 0 && collect_garbage(s, &ix, err))
		r = err_wrap(err, "%s removed, but its blobs stay", name);
	imgindex_free(&ix);
	return r;
}
