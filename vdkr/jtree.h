/* Editing a parsed yajl_tree document in place and writing it back out:
 * config.json from umoci is read, a few fields are replaced, and every field
 * vdkr does not touch is kept as it was. Nodes are malloc'd the way yajl's
 * own are, so yajl_tree_free frees edited trees too. */
#ifndef VDKR_JTREE_H
#define VDKR_JTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* New nodes, NULL when out of memory. */
yajl_val jt_string(const char *s);
yajl_val jt_int(long long v);
yajl_val jt_bool(bool v);
yajl_val jt_object(void);
yajl_val jt_strings(char *const *v, size_t n);

/* obj[key] = v (v is owned by obj afterwards, even on failure): 0 or -1. */
int jt_set(yajl_val obj, const char *key, yajl_val v);
/* Removes obj[key] when present. */
void jt_del(yajl_val obj, const char *key);
/* obj[key] as an object, made (or made to be one) when it is not: NULL on ENOMEM. */
yajl_val jt_child(yajl_val obj, const char *key);

/* obj[key] as an array, made (or made to be one) when it is not: NULL on ENOMEM. */
yajl_val jt_child_array(yajl_val obj, const char *key);
/* arr += v (v is owned by arr afterwards, even on failure): 0 or -1. */
int jt_append(yajl_val arr, yajl_val v);
/* Removes arr[i] when there is one. */
void jt_remove(yajl_val arr, size_t i);

/* v as JSON text (malloc'd, pretty), NULL on failure. */
char *jt_dump(yajl_val v);

#endif
