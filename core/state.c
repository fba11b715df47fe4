/* ROOT/ID/state.json: written whole to a temporary file, fsync'd and renamed
 * so a reader sees the old record or the new one, never half of one. Read
 * back bounded and strictly typed: the file is ours, but a damaged one must
 * produce an error, not a crash or a guess. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "jsonv.h"
#include "util.h"

#define STATE_MAX_BYTES (1u << 20)
#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"

static char *state_json(const struct vxn_state *st)
{
	yajl_gen g = jg_new(false);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "id", st->id);
	jg_kstr(g, "bundle", st->bundle);
	jg_kstr(g, "rootfs", st->rootfs ? st->rootfs : "");
	jg_kstr(g, "created", st->created ? st->created : "");
	jg_kstr(g, "owner", st->owner ? st->owner : "");
	jg_key(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->nannotations; i++)
		jg_kstr(g, st->annotations[i].key, st->annotations[i].value);
	yajl_gen_map_close(g);
	jg_kint(g, "monitor_pid", st->monitor_pid);
	jg_ku64(g, "monitor_start", st->monitor_start);
	jg_kstr(g, "domain_name", st->domain_name ? st->domain_name : "");
	jg_kint(g, "domid", st->domid);
	if (st->sandbox) {
		jg_kstr(g, "sandbox", st->sandbox);
		jg_kstr(g, "pod_entry", st->pod_entry ? st->pod_entry : "");
	}
	yajl_gen_map_close(g);
	return jg_finish(g);
}

static int write_file_synced(const char *path, const char *buf, struct vxn_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	if (write_all(fd, buf, strlen(buf)) < 0 || fsync(fd) < 0)
		return err_set(err, errno, "%s", path);
	int r = close(fd);
	fd = -1;
	if (r < 0)
		return err_set(err, errno, "%s", path);
	return 0;
}

int state_write(const char *state_dir, const struct vxn_state *st, struct vxn_err *err)
{
	if (!st->id || !st->bundle)
		return err_set(err, EINVAL, "state: id and bundle are required");
	cleanup_free char *json = state_json(st);
	cleanup_free char *tmp = NULL, *path = NULL;
	if (!json || asprintf(&tmp, "%s/" STATE_TMP, state_dir) < 0 ||
	    asprintf(&path, "%s/" STATE_FILE, state_dir) < 0)
		return err_set(err, ENOMEM, "state");
	if (write_file_synced(tmp, json, err) < 0) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return err_set(err, e, "%s", path);
	}
	/* the rename itself must reach the disk too */
	cleanup_close int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
	return 0;
}

static int read_file_bounded(const char *path, size_t max, char **out, size_t *len,
			     struct vxn_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return err_set(err, errno, "%s", path);
	if (!S_ISREG(sb.st_mode))
		return err_set(err, 0, "%s: not a regular file", path);
	if ((uint64_t)sb.st_size > max)
		return err_set(err, 0, "%s: larger than %zu bytes", path, max);
	char *buf = malloc((size_t)sb.st_size + 1);
	if (!buf)
		return err_set(err, ENOMEM, "%s", path);
	size_t n = 0;
	while (n < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)sb.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int read_annotations(yajl_val a, struct vxn_state *st, struct vxn_err *err)
{
	if (!a)
		return 0;
	if (jv_object(a, "annotations", err) < 0)
		return -1;
	st->annotations = calloc(a->u.object.len + 1, sizeof *st->annotations);
	if (!st->annotations)
		return err_set(err, ENOMEM, "annotations");
	for (size_t i = 0; i < a->u.object.len; i++) {
		struct vxn_annotation *an = &st->annotations[i];
		st->nannotations = i + 1;
		if (!YAJL_IS_STRING(a->u.object.values[i]))
			return err_set(err, 0, "annotations: values must be strings");
		an->key = strdup(a->u.object.keys[i]);
		an->value = strdup(a->u.object.values[i]->u.string);
		if (!an->key || !an->value)
			return err_set(err, ENOMEM, "annotations");
	}
	return 0;
}

static int state_from_tree(yajl_val doc, struct vxn_state *st, struct vxn_err *err)
{
	uint64_t pid = 0, domid = 0, start = 0;
	if (!YAJL_IS_OBJECT(doc))
		return err_set(err, 0, "must be a JSON object");
	if (jv_string_req(jv_get(doc, "id"), "id", &st->id, err) < 0 ||
	    jv_string_req(jv_get(doc, "bundle"), "bundle", &st->bundle, err) < 0 ||
	    jv_string(jv_get(doc, "rootfs"), "rootfs", &st->rootfs, err) < 0 ||
	    jv_string(jv_get(doc, "created"), "created", &st->created, err) < 0 ||
	    jv_string(jv_get(doc, "owner"), "owner", &st->owner, err) < 0 ||
	    jv_string(jv_get(doc, "domain_name"), "domain_name", &st->domain_name, err) < 0 ||
	    jv_string(jv_get(doc, "sandbox"), "sandbox", &st->sandbox, err) < 0 ||
	    jv_string(jv_get(doc, "pod_entry"), "pod_entry", &st->pod_entry, err) < 0 ||
	    read_annotations(jv_get(doc, "annotations"), st, err) < 0)
		return -1;
	if (!jv_get(doc, "monitor_pid"))
		return err_set(err, 0, "monitor_pid: missing");
	if (jv_u64(jv_get(doc, "monitor_pid"), "monitor_pid", INT32_MAX, &pid, err) < 0 ||
	    jv_u64(jv_get(doc, "monitor_start"), "monitor_start", UINT64_MAX, &start, err) < 0 ||
	    jv_u64(jv_get(doc, "domid"), "domid", UINT32_MAX, &domid, err) < 0)
		return -1;
	st->monitor_pid = (int)pid;
	st->monitor_start = start;
	st->domid = (uint32_t)domid;
	return 0;
}

int state_read(const char *state_dir, struct vxn_state *st, struct vxn_err *err)
{
	memset(st, 0, sizeof *st);
	cleanup_free char *path = NULL;
	cleanup_free char *buf = NULL;
	size_t len = 0;
	if (asprintf(&path, "%s/" STATE_FILE, state_dir) < 0)
		return err_set(err, ENOMEM, "state");
	if (read_file_bounded(path, STATE_MAX_BYTES, &buf, &len, err) < 0)
		return -1;
	yajl_val doc = jv_parse(buf, len, STATE_MAX_BYTES, path, err);
	if (!doc)
		return -1;
	int r = state_from_tree(doc, st, err);
	yajl_tree_free(doc);
	if (r < 0) {
		err_wrap(err, "%s", path);
		state_free(st);
	}
	return r;
}

void state_free(struct vxn_state *st)
{
	if (!st)
		return;
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	for (size_t i = 0; st->annotations && i < st->nannotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	free(st->domain_name);
	free(st->sandbox);
	free(st->pod_entry);
	memset(st, 0, sizeof *st);
}

void state_gen_annotations(yajl_gen g, const struct vxn_annotation *a, size_t n)
{
	if (n == 0)
		return;
	jg_key(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < n; i++)
		jg_kstr(g, a[i].key, a[i].value);
	yajl_gen_map_close(g);
}

char *state_to_oci_json(const struct vxn_state *st, const char *status, int pid)
{
	yajl_gen g = jg_new(true);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "ociVersion", "1.0.2");
	jg_kstr(g, "id", st->id);
	jg_kint(g, "pid", pid);
	jg_kstr(g, "status", status);
	jg_kstr(g, "bundle", st->bundle);
	jg_kstr(g, "rootfs", st->rootfs ? st->rootfs : "");
	jg_kstr(g, "created", st->created ? st->created : "");
	jg_kstr(g, "owner", st->owner ? st->owner : "");
	state_gen_annotations(g, st->annotations, st->nannotations);
	yajl_gen_map_close(g);
	return jg_finish(g);
}

unsigned long long proc_start_time(int pid)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm (field 2) may contain spaces and ')': fields resume after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return 0;
	}
	return strtoull(p + 1, NULL, 10);
}
