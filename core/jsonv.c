/* Type-checked reads from yajl trees. Numbers are parsed from yajl's raw text
 * so that uint64 values above INT64_MAX (rlimits) are exact. */
#include "jsonv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

#define JV_MAX_DEPTH 128

/* yajl_tree builds and frees recursively: a document of 4 MiB of '[' would
 * exhaust the stack, so nesting is bounded before yajl sees it. Brackets
 * inside strings do not count. */
static bool depth_ok(const char *s, size_t len)
{
	unsigned depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > JV_MAX_DEPTH)
				return false;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return true;
}

yajl_val jv_parse(const char *json, size_t len, size_t max, const char *what,
		  struct vxn_err *err)
{
	if (len > max)
		return err_set(err, 0, "%s: larger than %zu bytes", what, max), NULL;
	if (memchr(json, '\0', len))
		return err_set(err, 0, "%s: not JSON: contains a NUL byte", what), NULL;
	if (!depth_ok(json, len))
		return err_set(err, 0, "%s: nested deeper than %d levels", what, JV_MAX_DEPTH), NULL;
	cleanup_free char *buf = malloc(len + 1);
	if (!buf)
		return err_set(err, ENOMEM, "%s", what), NULL;
	memcpy(buf, json, len);
	buf[len] = '\0';
	char why[256] = "";
	yajl_val t = yajl_tree_parse(buf, why, sizeof why);
	if (!t) {
		/* yajl's message spans lines (it quotes the input): keep the first */
		why[strcspn(why, "\n")] = '\0';
		return err_set(err, 0, "%s: not valid JSON: %s", what, why[0] ? why : "parse error"), NULL;
	}
	return t;
}

yajl_val jv_get(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

int jv_object(yajl_val v, const char *path, struct vxn_err *err)
{
	if (v && !YAJL_IS_OBJECT(v))
		return err_set(err, 0, "%s: must be an object", path);
	return 0;
}

int jv_array(yajl_val v, const char *path, struct vxn_err *err)
{
	if (v && !YAJL_IS_ARRAY(v))
		return err_set(err, 0, "%s: must be an array", path);
	return 0;
}

int jv_string(yajl_val v, const char *path, char **out, struct vxn_err *err)
{
	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v))
		return err_set(err, 0, "%s: must be a string", path);
	char *s = strdup(v->u.string);
	if (!s)
		return err_set(err, ENOMEM, "%s", path);
	free(*out);
	*out = s;
	return 0;
}

int jv_string_req(yajl_val v, const char *path, char **out, struct vxn_err *err)
{
	if (!v)
		return err_set(err, 0, "%s: missing", path);
	if (jv_string(v, path, out, err) < 0)
		return -1;
	if (!**out)
		return err_set(err, 0, "%s: must not be empty", path);
	return 0;
}

int jv_bool(yajl_val v, const char *path, bool *out, struct vxn_err *err)
{
	if (!v)
		return 0;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return err_set(err, 0, "%s: must be true or false", path);
	*out = YAJL_IS_TRUE(v);
	return 0;
}

/* The raw text of an integer literal, or NULL (not a number, or a fraction). */
static const char *integer_text(yajl_val v)
{
	if (!YAJL_IS_NUMBER(v) || !v->u.number.r)
		return NULL;
	if (strpbrk(v->u.number.r, ".eE"))
		return NULL;
	return v->u.number.r;
}

int jv_u64(yajl_val v, const char *path, uint64_t max, uint64_t *out, struct vxn_err *err)
{
	if (!v)
		return 0;
	const char *t = integer_text(v);
	if (!t || t[0] == '-')
		return err_set(err, 0, "%s: must be a non-negative integer", path);
	char *end;
	errno = 0;
	unsigned long long x = strtoull(t, &end, 10);
	if (errno || *end || x > max)
		return err_set(err, 0, "%s: must be at most %" PRIu64, path, max);
	*out = x;
	return 0;
}

int jv_i64(yajl_val v, const char *path, int64_t *out, struct vxn_err *err)
{
	if (!v)
		return 0;
	const char *t = integer_text(v);
	if (!t)
		return err_set(err, 0, "%s: must be an integer", path);
	char *end;
	errno = 0;
	long long x = strtoll(t, &end, 10);
	if (errno || *end)
		return err_set(err, 0, "%s: integer out of range", path);
	*out = x;
	return 0;
}

void jv_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int jv_strings(yajl_val v, const char *path, char ***out, size_t *n, struct vxn_err *err)
{
	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (jv_array(v, path, err) < 0)
		return -1;
	size_t len = v->u.array.len;
	char **r = calloc(len + 1, sizeof *r);
	if (!r)
		return err_set(err, ENOMEM, "%s", path);
	for (size_t i = 0; i < len; i++) {
		yajl_val e = v->u.array.values[i];
		if (!YAJL_IS_STRING(e) || !(r[i] = strdup(e->u.string))) {
			jv_strv_free(r, i);
			if (!YAJL_IS_STRING(e))
				return err_set(err, 0, "%s[%zu]: must be a string", path, i);
			return err_set(err, ENOMEM, "%s", path);
		}
	}
	*out = r;
	*n = len;
	return 0;
}

yajl_gen jg_new(bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (g && pretty) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	return g;
}

void jg_str(yajl_gen g, const char *s)
{
	if (s)
		yajl_gen_string(g, (const unsigned char *)s, strlen(s));
	else
		yajl_gen_null(g);
}

void jg_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

void jg_kstr(yajl_gen g, const char *k, const char *v)
{
	jg_key(g, k);
	jg_str(g, v);
}

void jg_kint(yajl_gen g, const char *k, long long v)
{
	jg_key(g, k);
	yajl_gen_integer(g, v);
}

void jg_ku64(yajl_gen g, const char *k, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
	jg_key(g, k);
	yajl_gen_number(g, buf, (size_t)n);
}

void jg_kbool(yajl_gen g, const char *k, bool v)
{
	jg_key(g, k);
	yajl_gen_bool(g, v);
}

void jg_kstrv(yajl_gen g, const char *k, char *const *v, size_t n)
{
	jg_key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		jg_str(g, v[i]);
	yajl_gen_array_close(g);
}

char *jg_finish(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	char *out = NULL;
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && (out = malloc(len + 1))) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	yajl_gen_free(g);
	return out;
}
