/* Pure path logic, unit-tested without a guest: placing container paths
 * under the new root, and finding the executable the way runc does. */
#ifndef VXN_GUEST_PATHS_H
#define VXN_GUEST_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* Join root and an absolute-or-relative container path into out, resolving
 * ".", ".." and repeated slashes lexically so the result stays under root
 * (".." at the top stays at the top, as in the container's own view).
 * 0, or -1 if out is too small. */
int path_in_root(const char *root, const char *path, char *out, size_t cap);

/* The value of name in an execve-style env (NULL-terminated), or NULL. */
const char *env_get(char *const *env, const char *name);

/* Callback that says whether path is an executable regular file. */
typedef bool (*is_exec_fn)(const char *path);
bool is_executable_file(const char *path);

/* Resolve args[0] as runc does: a name containing '/' is used as is;
 * otherwise each entry of PATH from env is tried in order ("" means "."),
 * taking the first executable regular file. 0 with out filled, -ENOENT if
 * nothing was found, -ENAMETOOLONG if out is too small. */
int exec_lookup(const char *file, char *const *env, is_exec_fn is_exec,
		char *out, size_t cap);

/* Exit status reported for a failed exec, as Docker does: 127 when the
 * file does not exist, 126 when it exists but cannot be run. */
int exec_failure_status(int errnum);
/* "exec: <file>: <reason>" with the reason in lower case, like runc. */
void exec_failure_text(const char *file, int errnum, bool searched,
		       char *out, size_t cap);

#endif
