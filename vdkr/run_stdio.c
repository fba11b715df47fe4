#include "run_stdio.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int stdio_redirect(struct saved_stdio *sv, int in, int out, int errfd, struct vxn_err *err)
{
	const int want[3] = { in, out, errfd };

	for (int i = 0; i < 3; i++)
		sv->fd[i] = -1;
	for (int i = 0; i < 3; i++) {
		if (want[i] < 0)
			continue;
		sv->fd[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
		if (sv->fd[i] < 0 || dup2(want[i], i) < 0) {
			int e = errno;
			stdio_restore(sv);
			return err_set(err, e, "redirecting fd %d", i);
		}
	}
	return 0;
}

void stdio_restore(struct saved_stdio *sv)
{
	for (int i = 0; i < 3; i++) {
		if (sv->fd[i] < 0)
			continue;
		dup2(sv->fd[i], i);
		close(sv->fd[i]);
		sv->fd[i] = -1;
	}
}
