#include "launch-read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"

int launch_read(const char *path, struct vxn_launch *l, struct vxn_err *err)
{
	memset(l, 0, sizeof *l);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open %s", path);
	void *buf = NULL;
	size_t len = 0;
	int r = read_bounded(fd, VXN_LAUNCH_MAX_BYTES, &buf, &len);
	close(fd);
	if (r == 0)
		r = vxn_launch_decode(buf, len, l);
	free(buf);
	if (r != 0)
		return err_set(err, -r, "launch data %s", path);
	return 0;
}
