/* Executable lookup inside a rootfs, with every path resolved as if the
 * rootfs were "/": a symlink /bin/sh -> /bin/busybox must find the rootfs's
 * busybox, never the host's. */
#include "exec_check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* 0 if path (inside the root rootfd) is an executable regular file, else -errno. */
static int is_executable(int rootfd, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	struct stat st;
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	if (fd < 0)
		return -errno;
	int r = fstat(fd, &st);
	close(fd);
	if (r)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return -EACCES;
	return 0;
}

static const char *env_path(const struct vxn_launch *l)
{
	for (uint32_t i = 0; i < l->nenv; i++)
		if (strncmp(l->env[i], "PATH=", 5) == 0)
			return l->env[i] + 5;
	return DEFAULT_PATH;
}

static int search_path(int rootfd, const char *name, const char *path)
{
	char cand[PATH_MAX];
	const char *p = path;

	while (*p || p == path) {
		size_t len = strcspn(p, ":");
		/* an empty PATH element means the current directory, as in execvp */
		int n = len ? snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, p, name) :
			      snprintf(cand, sizeof(cand), "./%s", name);
		if (n > 0 && (size_t)n < sizeof(cand) && is_executable(rootfd, cand) == 0)
			return 0;
		p += len;
		if (*p != ':')
			break;
		p++;
	}
	return -1;
}

int exec_check(const char *rootfs, const struct vxn_launch *l, struct vxn_err *err)
{
	char full[PATH_MAX];
	const char *arg0 = l->nargs ? l->args[0] : NULL;
	int rootfd, r;

	if (!arg0 || !*arg0)
		return err_set(err, 0, "process.args must not be empty");
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(err, errno, "rootfs (\"%s\") does not exist", rootfs);
	if (!strchr(arg0, '/')) {
		r = search_path(rootfd, arg0, env_path(l));
		close(rootfd);
		if (r)
			return err_set(err, 0, "exec: \"%s\": executable file not found in $PATH",
				       arg0);
		return 0;
	}
	if (arg0[0] == '/')
		snprintf(full, sizeof(full), "%s", arg0);
	else
		snprintf(full, sizeof(full), "%s/%s", l->cwd && *l->cwd ? l->cwd : "/", arg0);
	r = is_executable(rootfd, full);
	close(rootfd);
	if (r)
		return err_set(err, -r, "exec: \"%s\": stat %s", arg0, arg0);
	return 0;
}
