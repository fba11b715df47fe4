#include "ctr.h"
#include "net.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "files.h"
#include "jsonv.h"
#include "log.h"
#include "monitor_handoff.h"
#include "store.h"
#include "util.h"

#define CTR_JSON "vdkr.json"
#define CTR_JSON_MAX (64u << 10)

int ctr_new_id(char id[CTR_ID_LEN + 1], struct vxn_err *err)
{
	unsigned char b[CTR_ID_LEN / 2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return err_set(err, errno, "getrandom");
	for (size_t i = 0; i < sizeof(b); i++)
		sprintf(id + 2 * i, "%02x", b[i]);
	return 0;
}

int ctr_path(const struct vdkr_ctx *c, const char *id, const char *file, char *out, size_t len)
{
	int n = file ? snprintf(out, len, "%s/containers/%s/%s", c->root, id, file)
		     : snprintf(out, len, "%s/containers/%s", c->root, id);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int name_path(const struct vdkr_ctx *c, const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/names/%s", c->root, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int ctr_create(const struct vdkr_ctx *c, const struct ctr *t, struct vxn_err *err)
{
	char dir[PATH_MAX], link[PATH_MAX];
	int r;

	if (id_validate(t->name, err) || ctr_path(c, t->id, NULL, dir, sizeof(dir)) ||
	    name_path(c, t->name, link, sizeof(link)))
		return err_set(err, 0, "invalid container name \"%.64s\"", t->name);
	snprintf(link, sizeof(link), "%s/names", c->root);
	if ((r = mkdir_p(link, 0700)) < 0 || (r = mkdir_p(dir, 0700)) < 0)
		return err_set(err, -r, "%s", r == -ENAMETOOLONG ? dir : link);
	name_path(c, t->name, link, sizeof(link));
	if (symlink(t->id, link)) {
		int e = errno;
		rmdir(dir);
		if (e == EEXIST)
			return err_set(err, 0, "Conflict. The container name \"/%s\" is already in use",
				       t->name);
		return err_set(err, e, "%s", link);
	}
	if (ctr_save(c, t, err)) {
		ctr_remove(c, t);
		return -1;
	}
	return 0;
}

static char *ctr_json(const struct ctr *t)
{
	yajl_gen g = jg_new(true);

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "id", t->id);
	jg_kstr(g, "name", t->name);
	jg_kstr(g, "image", t->image);
	jg_kstr(g, "image_digest", t->image_digest);
	jg_kstr(g, "created", t->created);
	jg_kstr(g, "command", t->command);
	jg_kstr(g, "stop_signal", t->stop_signal);
	jg_kstr(g, "rootfs", t->rootfs);
	jg_kbool(g, "rm", t->rm);
	yajl_gen_map_close(g);
	return jg_finish(g);
}

int ctr_save(const struct vdkr_ctx *c, const struct ctr *t, struct vxn_err *err)
{
	cleanup_free char *text = ctr_json(t);
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	cleanup_close int fd = -1;

	if (!text)
		return err_set(err, ENOMEM, "%s", CTR_JSON);
	if (ctr_path(c, t->id, CTR_JSON, path, sizeof(path)))
		return err_set(err, ENAMETOOLONG, "%s", CTR_JSON);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)))
		return err_set(err, errno, "%s", tmp);
	if (rename(tmp, path))
		return err_set(err, errno, "%s", path);
	return 0;
}

/* A string field into out[len]; an empty one only where empty_ok (a
 * container's stop signal is "" when its image names none). */
static int string_field(yajl_val root, const char *key, bool empty_ok, char *out, size_t len,
			struct vxn_err *err)
{
	cleanup_free char *s = NULL;

	if (empty_ok ? jv_string(jv_get(root, key), key, &s, err)
		     : jv_string_req(jv_get(root, key), key, &s, err))
		return -1;
	if (!s && !(s = strdup("")))
		return err_set(err, ENOMEM, "%s", key);
	if (strlen(s) >= len)
		return err_set(err, 0, "%s: too long", key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int ctr_load(const struct vdkr_ctx *c, const char *id, struct ctr *t, struct vxn_err *err)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	cleanup_free void *text = NULL;
	size_t len;
	int r;

	memset(t, 0, sizeof(*t));
	if (ctr_path(c, id, CTR_JSON, path, sizeof(path)))
		return err_set(err, ENAMETOOLONG, "container %s", id);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(err, errno == ENOENT ? 0 : errno, "No such container: %s", id);
	if ((r = read_bounded(fd, CTR_JSON_MAX, &text, &len)) < 0)
		return err_set(err, -r, "%s", path);
	yajl_val root = jv_parse(text, len, CTR_JSON_MAX, path, err);
	if (!root)
		return -1;
	r = string_field(root, "id", false, t->id, sizeof(t->id), err) ||
	    string_field(root, "name", false, t->name, sizeof(t->name), err) ||
	    string_field(root, "image", false, t->image, sizeof(t->image), err) ||
	    string_field(root, "image_digest", false, t->image_digest, sizeof(t->image_digest), err) ||
	    string_field(root, "created", false, t->created, sizeof(t->created), err) ||
	    string_field(root, "command", false, t->command, sizeof(t->command), err) ||
	    string_field(root, "stop_signal", true, t->stop_signal, sizeof(t->stop_signal), err) ||
	    string_field(root, "rootfs", false, t->rootfs, sizeof(t->rootfs), err) ||
	    jv_bool(jv_get(root, "rm"), "rm", &t->rm, err) ? -1 : 0;
	yajl_tree_free(root);
	if (r == 0 && strcmp(t->id, id))
		r = err_set(err, 0, "%s: names another container", path);
	return r ? err_wrap(err, "%s", path) : 0;
}

static bool is_hex_id(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= CTR_ID_LEN && strspn(s, "0123456789abcdef") == n;
}

int ctr_find(const struct vdkr_ctx *c, const char *what, struct ctr *t, struct vxn_err *err)
{
	char link[PATH_MAX], id[CTR_ID_LEN + 2];
	struct ctr *all = NULL;
	size_t n = 0, hits = 0;

	if (id_validate(what, NULL) == 0 && name_path(c, what, link, sizeof(link)) == 0) {
		ssize_t k = readlink(link, id, sizeof(id) - 1);
		if (k > 0 && (size_t)k <= CTR_ID_LEN) {
			id[k] = '\0';
			if (is_hex_id(id))
				return ctr_load(c, id, t, err);
		}
	}
	if (!is_hex_id(what) || ctr_list(c, &all, &n, err))
		return err_set(err, 0, "No such container: %.128s", what);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(all[i].id, what, strlen(what)) && hits++ == 0)
			*t = all[i];
	free(all);
	if (hits == 1)
		return 0;
	return hits ? err_set(err, 0, "multiple IDs found with prefix: %.64s", what)
		    : err_set(err, 0, "No such container: %.128s", what);
}

static int by_created(const void *a, const void *b)
{
	return strcmp(((const struct ctr *)a)->created, ((const struct ctr *)b)->created);
}

int ctr_list(const struct vdkr_ctx *c, struct ctr **out, size_t *n, struct vxn_err *err)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/containers", c->root);
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : err_set(err, errno, "%s", dir);
	while ((de = readdir(d))) {
		struct vxn_err lerr;
		struct ctr t;
		if (!is_hex_id(de->d_name) || strlen(de->d_name) != CTR_ID_LEN ||
		    ctr_load(c, de->d_name, &t, &lerr))
			continue;  /* a run still making it, or one being removed */
		struct ctr *nv = realloc(*out, (*n + 1) * sizeof(*nv));
		if (!nv) {
			closedir(d);
			return err_set(err, ENOMEM, "containers");
		}
		*out = nv;
		(*out)[(*n)++] = t;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_created);
	return 0;
}

void ctr_remove(const struct vdkr_ctx *c, const struct ctr *t)
{
	char p[PATH_MAX], id[CTR_ID_LEN + 2];

	if (name_path(c, t->name, p, sizeof(p)) == 0) {
		ssize_t k = readlink(p, id, sizeof(id) - 1);
		if (k == CTR_ID_LEN && !memcmp(id, t->id, CTR_ID_LEN))
			unlink(p);
	}
	vdkr_net_down(c, t->id);  /* its namespace is mounted in the directory */
	if (ctr_path(c, t->id, NULL, p, sizeof(p)) == 0)
		remove_tree(p);
}

static int read_exit(const struct vdkr_ctx *c, const char *id)
{
	char path[PATH_MAX], buf[16] = "";
	uint64_t v;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", c->run_root, id,
			     MONITOR_EXIT_STATUS) >= sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return -1;
	buf[k] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return parse_decimal(buf, &v) == 0 && v <= 255 ? (int)v : -1;
}

/* Whether vxn has a state directory for it (a run that failed before
 * create has none). */
static bool vxn_made(const struct vdkr_ctx *c, const struct ctr *t)
{
	char dir[PATH_MAX];
	struct stat sb;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", c->run_root, t->id) >= sizeof(dir))
		return false;
	return stat(dir, &sb) == 0;
}

int ctr_exit_recorded(const struct vdkr_ctx *c, const struct ctr *t)
{
	return read_exit(c, t->id);
}

int ctr_exit_recorded_id(const struct vdkr_ctx *c, const char *id)
{
	return read_exit(c, id);
}

int ctr_status(const struct vdkr_ctx *c, const struct ctr *t, enum vxn_status *s,
	       int *exit_code, struct vxn_err *err)
{
	struct vxn_state st;
	struct vxn_err serr;
	int pid;

	*exit_code = -1;
	if (container_status(&c->g, t->id, &st, s, &pid, &serr)) {
		if (vxn_made(c, t))
			return err_set(err, 0, "container %s: %s", t->name, serr.msg);
		*s = VXN_STATUS_STOPPED;  /* never made by vxn: a run that failed */
		return 0;
	}
	state_free(&st);
	if (*s == VXN_STATUS_STOPPED)
		*exit_code = read_exit(c, t->id);
	return 0;
}

/* The monitor writes exit-status the moment the container ends: polling
 * that file is cheap; asking Xen (container_status) is done seldom, for a
 * monitor that died without writing it. */
int ctr_wait_exit(const struct vdkr_ctx *c, const struct ctr *t, struct vxn_err *err)
{
	enum vxn_status s;
	int code;

	for (unsigned i = 0;; i++) {
		if ((code = read_exit(c, t->id)) >= 0)
			return code;
		if (i % 20 == 0) {
			if (ctr_status(c, t, &s, &code, err))
				return -1;
			if (s == VXN_STATUS_STOPPED)
				return code >= 0 ? code : 255;
		}
		usleep(100 * 1000);
	}
}

void ctr_remove_all(struct vdkr_ctx *c, const struct ctr *t)
{
	struct vxn_err derr;
	if (vxn_made(c, t) && container_delete(&c->g, t->id, true, &derr))
		log_warn("removing %s: %s", t->name, derr.msg);
	ctr_remove(c, t);
}

/* A file of the container's rootfs, resolved inside it: the image is not
 * the host's to point into (an /etc that is a symlink to /). NULL when
 * absent or not text. */
char *ctr_rootfs_file(const struct vdkr_ctx *c, const struct ctr *t, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	void *text = NULL;
	size_t len;

	(void)c;
	cleanup_close int dir = open(t->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = dir < 0 ? -1 : (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
	if (fd < 0 || read_bounded(fd, 1u << 20, &text, &len) < 0 || memchr(text, '\0', len)) {
		free(text);
		return NULL;
	}
	((char *)text)[len] = '\0';  /* read_bounded leaves room for it */
	return text;
}
