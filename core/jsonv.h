/* Strict accessors over a yajl_tree document, shared by spec.c, state.c and
 * plan.c. Every failure names the field by its JSON path ("process.args[2]"). */
#ifndef VXN_JSONV_H
#define VXN_JSONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* Parse a bounded, NUL-free buffer. what names the document in errors. */
yajl_val jv_parse(const char *json, size_t len, size_t max, const char *what,
		  struct vxn_err *err);

/* obj[key] when obj is an object, else NULL. */
yajl_val jv_get(yajl_val obj, const char *key);

/* Each returns 0 when the value has the type (and range) asked for, else -1
 * with "PATH: must be ..." in err. A NULL v is "absent": only the *_req
 * variants refuse it ("PATH: missing"). */
int jv_object(yajl_val v, const char *path, struct vxn_err *err);
int jv_array(yajl_val v, const char *path, struct vxn_err *err);
int jv_string(yajl_val v, const char *path, char **out, struct vxn_err *err);
int jv_string_req(yajl_val v, const char *path, char **out, struct vxn_err *err);
int jv_bool(yajl_val v, const char *path, bool *out, struct vxn_err *err);
int jv_u64(yajl_val v, const char *path, uint64_t max, uint64_t *out, struct vxn_err *err);
int jv_i64(yajl_val v, const char *path, int64_t *out, struct vxn_err *err);
/* An array of strings, or absent (*out NULL, *n 0). */
int jv_strings(yajl_val v, const char *path, char ***out, size_t *n, struct vxn_err *err);

void jv_strv_free(char **v, size_t n);

/* yajl_gen shorthands for deterministic output. A NULL string is written as
 * null. jg_new: pretty-printed with two-space indents when pretty. */
yajl_gen jg_new(bool pretty);
void jg_str(yajl_gen g, const char *s);
void jg_key(yajl_gen g, const char *k);
void jg_kstr(yajl_gen g, const char *k, const char *v);
void jg_kint(yajl_gen g, const char *k, long long v);
void jg_ku64(yajl_gen g, const char *k, uint64_t v);
void jg_kbool(yajl_gen g, const char *k, bool v);
void jg_kstrv(yajl_gen g, const char *k, char *const *v, size_t n);
/* The generated text, malloc'd and NUL-terminated (a trailing newline when
 * pretty); frees g. NULL on allocation failure. */
char *jg_finish(yajl_gen g);

#endif
