/* vxn's monitor is forked inside container_create and relays the
 * container's stdio to the fds 0, 1 and 2 it inherits: for the length of
 * the create they point at what the container is to get (/dev/null without
 * -i, the log files with -d), and are put back afterwards. */
#ifndef VDKR_RUN_STDIO_H
#define VDKR_RUN_STDIO_H

#include "error.h"

struct saved_stdio {
	int fd[3];
};

/* in, out, errfd: -1 keeps ours. The saved copies are close-on-exec, so the
 * monitor does not keep them. */
int stdio_redirect(struct saved_stdio *sv, int in, int out, int errfd, struct vxn_err *err);
void stdio_restore(struct saved_stdio *sv);

#endif
