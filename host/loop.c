/* Loop devices through /dev/loop-control and LOOP_CONFIGURE (Linux >= 5.8):
 * one ioctl attaches the image with autoclear, so a monitor that dies cannot
 * leak a loop device once the domain's blkback has let go of it too. */
#include "loop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

/* LOOP_CTL_GET_FREE can race with another process taking the same device:
 * LOOP_CONFIGURE then fails with EBUSY and we ask again. */
#define LOOP_TRIES 16

static int loop_configure(int ctl, int img_fd, bool readonly, int *loop_fd,
			  char path[LOOP_PATH_MAX])
{
	struct loop_config cfg;
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);

	if (n < 0)
		return -errno;
	snprintf(path, LOOP_PATH_MAX, "/dev/loop%d", n);
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)img_fd;
	/* direct I/O stays off: the image is a sparse file in the page cache */
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (readonly ? LO_FLAGS_READ_ONLY : 0);
	if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*loop_fd = fd;
	return 0;
}

int loop_attach(const char *image, bool readonly, int *loop_fd, char path[LOOP_PATH_MAX],
		struct vxn_err *err)
{
	int ctl, img, r = -EBUSY;

	img = open(image, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (img < 0)
		return err_set(err, errno, "open %s", image);
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		close(img);
		return err_set(err, errno, "open /dev/loop-control (is the loop module loaded?)");
	}
	for (int i = 0; i < LOOP_TRIES && (r == -EBUSY || r == -ENXIO); i++)
		r = loop_configure(ctl, img, readonly, loop_fd, path);
	close(ctl);
	close(img);  /* the loop device holds its own reference to the file */
	if (r < 0)
		return err_set(err, -r, "attaching %s to a loop device", image);
	log_debug("loop: %s on %s%s", image, path, readonly ? " (read-only)" : "");
	return 0;
}

void loop_detach(int loop_fd)
{
	if (loop_fd < 0)
		return;
	if (ioctl(loop_fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO)
		log_debug("loop: LOOP_CLR_FD: %s", strerror(errno));
	close(loop_fd);
}

static bool backed_by(const char *dev, const char *image)
{
	char p[PATH_MAX], buf[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", dev);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, image) == 0;
}

int loop_detach_image(const char *image)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char dev[300];

		if (strncmp(de->d_name, "loop", 4) || !backed_by(de->d_name, image))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		int fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		log_debug("loop: detaching %s from %s", dev, image);
		loop_detach(fd);
		found++;
	}
	closedir(d);
	return found;
}
