#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Append one path component to out (length *len), handling "." and "..". */
static int push_component(char *out, size_t *len, size_t root_len,
			  const char *c, size_t n, size_t cap)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*len > root_len && out[*len - 1] != '/')
			(*len)--;
		if (*len > root_len)
			(*len)--; /* the slash before the dropped component */
		out[*len] = '\0';
		return 0;
	}
	if (*len + 1 + n + 1 > cap)
		return -1;
	out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

int path_in_root(const char *root, const char *path, char *out, size_t cap)
{
	size_t len = strlen(root);

	while (len > 0 && root[len - 1] == '/')
		len--;
	if (len + 2 > cap)
		return -1;
	memcpy(out, root, len);
	out[len] = '\0';
	size_t root_len = len;
	for (const char *p = path; *p;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (push_component(out, &len, root_len, p, n, cap) != 0)
			return -1;
		p += n;
		if (*p == '/')
			p++;
	}
	if (len == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111) != 0;
}

int exec_lookup(const char *file, char *const *env, is_exec_fn is_exec,
		char *out, size_t cap)
{
	if (strchr(file, '/')) {
		if (strlen(file) + 1 > cap)
			return -ENAMETOOLONG;
		strcpy(out, file);
		return 0;
	}
	const char *path = env_get(env, "PATH");
	if (!path || !*file)
		return -ENOENT;
	for (const char *p = path;;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int w = n ? snprintf(out, cap, "%.*s/%s", (int)n, p, file)
			  : snprintf(out, cap, "./%s", file);
		if (w >= 0 && (size_t)w < cap && is_exec(out))
			return 0;
		if (!end)
			break;
		p = end + 1;
	}
	out[0] = '\0';
	return -ENOENT;
}

int exec_failure_status(int errnum)
{
	return (errnum == ENOENT || errnum == ENOTDIR) ? 127 : 126;
}

void exec_failure_text(const char *file, int errnum, bool searched,
		       char *out, size_t cap)
{
	char reason[128];

	if (searched && errnum == ENOENT) {
		snprintf(out, cap, "exec: \"%s\": executable file not found in $PATH", file);
		return;
	}
	snprintf(reason, sizeof reason, "%s", strerror(errnum));
	reason[0] = (char)tolower((unsigned char)reason[0]);
	snprintf(out, cap, "exec: %s: %s", file, reason);
}
