#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int pty_open_pair(int *master, int *slave, struct vxn_err *err)
{
	char name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0)
		return err_set(err, errno, "posix_openpt");
	if (grantpt(m) || unlockpt(m) || ptsname_r(m, name, sizeof name)) {
		int e = errno;
		close(m);
		return err_set(err, e, "setting up a pty");
	}
	int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		int e = errno;
		close(m);
		return err_set(err, e, "open %s", name);
	}
	*master = m;
	*slave = s;
	return 0;
}

/* sun_path holds 108 bytes; a longer path is reached through its directory. */
static int socket_addr(const char *path, struct sockaddr_un *sa, int *dirfd)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	*dirfd = -1;
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) < sizeof sa->sun_path) {
		memcpy(sa->sun_path, path, strlen(path));
		return 0;
	}
	if (!slash || (size_t)(slash - path) >= sizeof dir)
		return -ENAMETOOLONG;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	*dirfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -errno;
	if ((size_t)snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s", *dirfd,
			     slash + 1) >= sizeof sa->sun_path)
		return -ENAMETOOLONG;
	return 0;
}

static int send_with_fd(int sock, int fd, const char *text)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof cbuf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int pty_send_fd(const char *socket_path, int fd, struct vxn_err *err)
{
	struct sockaddr_un sa;
	char name[64] = "/dev/ptmx";
	int dirfd, r, sock;

	r = socket_addr(socket_path, &sa, &dirfd);
	if (r < 0)
		return err_set(err, -r, "console socket %s", socket_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof sa) < 0) {
		r = -errno;
	} else {
		ptsname_r(fd, name, sizeof name);
		r = send_with_fd(sock, fd, name);
	}
	if (sock >= 0)
		close(sock);
	if (dirfd >= 0)
		close(dirfd);
	return r < 0 ? err_set(err, -r, "sending the pty to the console socket %s", socket_path)
		     : 0;
}

int pty_make_raw(int fd, struct termios *saved, struct vxn_err *err)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return err_set(err, errno, "tcgetattr");
	if (saved)
		*saved = t;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return err_set(err, errno, "tcsetattr");
	return 0;
}

int pty_set_size(int fd, uint16_t rows, uint16_t cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };

	return ioctl(fd, TIOCSWINSZ, &ws);
}

int pty_get_size(int fd, uint16_t *rows, uint16_t *cols)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return -1;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}

bool pty_take_ctty(int fd)
{
	return getsid(0) == getpid() && ioctl(fd, TIOCSCTTY, 0) == 0;
}

/* In terminal mode the container's stdio is the pty, and what the caller gave
 * as fds 0/1/2 is never used. It must not be held either: containerd's runc
 * shim passes no stdio to a terminal create or exec, so go-runc collects the
 * command's output through a pipe and waits for EOF on it after the command
 * exits. A process left behind holding that pipe keeps the shim's Create
 * (or Exec) from returning, and the container is never started. runc's own
 * leftover process has the pty slave as its stdio for the same reason. */
int pty_release_stdio(struct vxn_err *err)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return err_set(err, errno, "open /dev/null");
	for (int fd = 0; fd < 3; fd++) {
		if (fd != null && dup2(null, fd) < 0) {
			int e = errno;
			if (null > 2)
				close(null);
			return err_set(err, e, "dup2 /dev/null");
		}
	}
	if (null > 2)
		close(null);
	return 0;
}
