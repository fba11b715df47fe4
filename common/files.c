#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (c == '\0')
			return 0;
	}
}

int read_bounded(int fd, size_t max, void **out, size_t *len)
{
	char *buf = malloc(max + 1);
	size_t got = 0;

	if (!buf)
		return -ENOMEM;
	while (got < max + 1) {
		ssize_t n = read(fd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(buf);
		return -E2BIG;
	}
	*out = buf;
	*len = got;
	return 0;
}

int self_exe_path(char *out, size_t cap)
{
	ssize_t n = cap > 1 ? readlink("/proc/self/exe", out, cap - 1) : -1;

	if (n < 0)
		return cap > 1 ? -errno : -ENAMETOOLONG;
	if ((size_t)n == cap - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

int file_replace_at(const char *dir, const char *name, const void *buf, size_t len)
{
	char tmp[PATH_MAX], path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	errno = 0;  /* a write of 0 bytes sets none: EIO then */
	int e = write_all(fd, buf, len) ? (errno ? errno : EIO) : 0;
	if (close(fd) && !e)
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (e)
		unlink(tmp);
	return -e;
}
