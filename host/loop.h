/* Loop devices for root disk images, configured by vxn itself (no losetup). */
#ifndef VXN_LOOP_H
#define VXN_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define LOOP_PATH_MAX 32

/* Attach image to a free loop device with autoclear: the device goes away when
 * its last user (the monitor's *loop_fd, blkback) closes it. path receives
 * "/dev/loopN". */
int loop_attach(const char *image, bool readonly, int *loop_fd, char path[LOOP_PATH_MAX],
		struct vxn_err *err);
/* LOOP_CLR_FD then close; with autoclear still set a busy device is detached
 * when its other users let go. -1 is ignored. */
void loop_detach(int loop_fd);
/* Detach every loop device whose backing file is image (cleanup after a
 * monitor that died). Returns how many were found. */
int loop_detach_image(const char *image);

#endif
