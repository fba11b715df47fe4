#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "pty.h"
#include "util.h"

int console_listen(const char *dir, char *path, size_t len, int *lfd, struct vxn_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if ((size_t)snprintf(path, len, "%s/console.sock", dir) >= len || dfd < 0)
		return err_set(err, dfd < 0 ? errno : ENAMETOOLONG, "console socket in %s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/console.sock", dfd);
	*lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = *lfd < 0 || bind(*lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(*lfd, 1);
	int e = errno;
	close(dfd);
	if (r) {
		if (*lfd >= 0)
			close(*lfd);
		*lfd = -1;
		return err_set(err, e, "console socket %s", path);
	}
	return 0;
}

int console_take(int lfd, int seconds, int *master, struct vxn_err *err)
{
	char data[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct pollfd p = { lfd, POLLIN, 0 };

	*master = -1;
	if (poll(&p, 1, seconds * 1000) != 1)
		return err_set(err, 0, "no terminal from the container's monitor");
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0 || recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0) {
		int e = errno;
		if (conn >= 0)
			close(conn);
		return err_set(err, e, "receiving the container's terminal");
	}
	close(conn);
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(master, CMSG_DATA(c), sizeof(*master));
	if (*master < 0 || !isatty(*master))
		return err_set(err, 0, "the container's monitor sent no terminal");
	return 0;
}

static volatile sig_atomic_t resized;

static void on_winch(int signo)
{
	(void)signo;
	resized = 1;
}

static void follow_size(int master)
{
	uint16_t rows, cols;

	resized = 0;
	if (pty_get_size(0, &rows, &cols) == 0)
		pty_set_size(master, rows, cols);
}

/* One read from `from` written to `to`: false at EOF or a hang-up. */
static bool pass(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	return n > 0 && write_all(to, buf, (size_t)n) == 0;
}

static void relay(int master, bool interactive)
{
	struct pollfd p[2] = { { master, POLLIN, 0 }, { interactive ? 0 : -1, POLLIN, 0 } };

	for (;;) {
		if (resized)
			follow_size(master);
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents && !pass(master, 1))
			return;  /* EIO: the monitor closed the slave, the container ended */
		if (p[1].revents && !pass(0, master))
			p[1].fd = -1;  /* our stdin ended; the container's output goes on */
	}
}

int console_relay(int master, bool interactive, pid_t pid)
{
	struct sigaction sa = { .sa_handler = on_winch };
	struct termios saved;
	bool raw = isatty(0) && pty_make_raw(0, &saved, NULL) == 0;
	int status;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	follow_size(master);
	relay(master, interactive);
	if (raw)
		tcsetattr(0, TCSADRAIN, &saved);
	close(master);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}
