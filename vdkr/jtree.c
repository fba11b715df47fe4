#include "jtree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"

static yajl_val node(yajl_type t)
{
	yajl_val v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

yajl_val jt_string(const char *s)
{
	yajl_val v = node(yajl_t_string);

	if (v && !(v->u.string = strdup(s))) {
		free(v);
		return NULL;
	}
	return v;
}

yajl_val jt_int(long long i)
{
	char buf[32];
	yajl_val v = node(yajl_t_number);

	snprintf(buf, sizeof(buf), "%lld", i);
	if (v && !(v->u.number.r = strdup(buf))) {
		free(v);
		return NULL;
	}
	if (v) {
		v->u.number.i = i;
		v->u.number.d = (double)i;
		v->u.number.flags = YAJL_NUMBER_INT_VALID | YAJL_NUMBER_DOUBLE_VALID;
	}
	return v;
}

yajl_val jt_bool(bool b)
{
	return node(b ? yajl_t_true : yajl_t_false);
}

yajl_val jt_object(void)
{
	return node(yajl_t_object);
}

yajl_val jt_strings(char *const *s, size_t n)
{
	yajl_val v = node(yajl_t_array);

	if (!v)
		return NULL;
	v->u.array.values = calloc(n ? n : 1, sizeof(yajl_val));
	if (!v->u.array.values) {
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		v->u.array.values[i] = jt_string(s[i]);
		v->u.array.len = i + 1;
		if (!v->u.array.values[i]) {
			yajl_tree_free(v);
			return NULL;
		}
	}
	return v;
}

static ssize_t key_index(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return (ssize_t)i;
	return -1;
}

int jt_set(yajl_val obj, const char *key, yajl_val v)
{
	if (!v || !YAJL_IS_OBJECT(obj)) {
		yajl_tree_free(v);
		return -1;
	}
	ssize_t i = key_index(obj, key);
	if (i >= 0) {
		yajl_tree_free(obj->u.object.values[i]);
		obj->u.object.values[i] = v;
		return 0;
	}
	size_t n = obj->u.object.len;
	const char **keys = realloc(obj->u.object.keys, (n + 1) * sizeof(*keys));
	if (keys)
		obj->u.object.keys = keys;
	yajl_val *vals = keys ? realloc(obj->u.object.values, (n + 1) * sizeof(*vals)) : NULL;
	char *k = vals ? strdup(key) : NULL;
	if (vals)
		obj->u.object.values = vals;
	if (!k) {
		yajl_tree_free(v);
		return -1;
	}
	keys[n] = k;
	vals[n] = v;
	obj->u.object.len = n + 1;
	return 0;
}

void jt_del(yajl_val obj, const char *key)
{
	ssize_t i = YAJL_IS_OBJECT(obj) ? key_index(obj, key) : -1;

	if (i < 0)
		return;
	free((char *)obj->u.object.keys[i]);
	yajl_tree_free(obj->u.object.values[i]);
	size_t rest = obj->u.object.len - (size_t)i - 1;
	memmove(&obj->u.object.keys[i], &obj->u.object.keys[i + 1], rest * sizeof(char *));
	memmove(&obj->u.object.values[i], &obj->u.object.values[i + 1], rest * sizeof(yajl_val));
	obj->u.object.len--;
}

yajl_val jt_child(yajl_val obj, const char *key)
{
	yajl_val c = jv_get(obj, key);

	if (YAJL_IS_OBJECT(c))
		return c;
	if (jt_set(obj, key, jt_object()))
		return NULL;
	return jv_get(obj, key);
}

yajl_val jt_child_array(yajl_val obj, const char *key)
{
	yajl_val c = jv_get(obj, key);

	if (YAJL_IS_ARRAY(c))
		return c;
	if (jt_set(obj, key, jt_strings(NULL, 0)))
		return NULL;
	return jv_get(obj, key);
}

int jt_append(yajl_val arr, yajl_val v)
{
	yajl_val *vals = v && YAJL_IS_ARRAY(arr) ?
		realloc(arr->u.array.values, (arr->u.array.len + 1) * sizeof(*vals)) : NULL;

	if (!vals) {
		yajl_tree_free(v);
		return -1;
	}
	arr->u.array.values = vals;
	vals[arr->u.array.len++] = v;
	return 0;
}

void jt_remove(yajl_val arr, size_t i)
{
	if (!YAJL_IS_ARRAY(arr) || i >= arr->u.array.len)
		return;
	yajl_tree_free(arr->u.array.values[i]);
	memmove(&arr->u.array.values[i], &arr->u.array.values[i + 1],
		(arr->u.array.len - i - 1) * sizeof(yajl_val));
	arr->u.array.len--;
}

static int gen(yajl_gen g, yajl_val v)
{
	switch (v ? v->type : yajl_t_null) {
	case yajl_t_string:
		return yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
	case yajl_t_number:
		return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	case yajl_t_true:
		return yajl_gen_bool(g, 1);
	case yajl_t_false:
		return yajl_gen_bool(g, 0);
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			const char *k = v->u.object.keys[i];
			yajl_gen_string(g, (const unsigned char *)k, strlen(k));
			gen(g, v->u.object.values[i]);
		}
		return yajl_gen_map_close(g);
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen(g, v->u.array.values[i]);
		return yajl_gen_array_close(g);
	default:
		return yajl_gen_null(g);
	}
}

char *jt_dump(yajl_val v)
{
	yajl_gen g = jg_new(true);

	if (!g)
		return NULL;
	gen(g, v);
	return jg_finish(g);
}
