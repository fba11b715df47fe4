#include "launch-read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read at most max bytes; a file longer than max is an error, not truncated. */
static int read_bounded(int fd, uint8_t *buf, size_t max, size_t *len)
{
	size_t got = 0;

	for (;;) {
		ssize_t n = read(fd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max)
			return -E2BIG;
	}
	*len = got;
	return 0;
}

int launch_read(const char *path, struct vxn_launch *l, struct vxn_err *err)
{
	memset(l, 0, sizeof *l);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open %s", path);
	uint8_t *buf = malloc(VXN_LAUNCH_MAX_BYTES + 1);
	if (!buf) {
		close(fd);
		return err_set(err, ENOMEM, "read %s", path);
	}
	size_t len = 0;
	int r = read_bounded(fd, buf, VXN_LAUNCH_MAX_BYTES, &len);
	close(fd);
	if (r == 0)
		r = vxn_launch_decode(buf, len, l);
	free(buf);
	if (r != 0)
		return err_set(err, -r, "launch data %s", path);
	return 0;
}
