#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int pidfile_write(const char *path, pid_t pid, struct vxn_err *err)
{
	char tmp[PATH_MAX], buf[32];
	int fd, n;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid()) >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "pid file %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(err, errno, "pid file %s", tmp);
	n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write(fd, buf, (size_t)n) != n || close(fd) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return err_set(err, e, "pid file %s", path);
	}
	return 0;
}
