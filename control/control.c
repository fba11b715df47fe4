/* The control socket lives in the state directory, whose path can be longer
 * than sun_path (Docker: /var/run/docker/runtime-runc/moby/<64 hex>/...), so
 * both sides address it through /proc/self/fd/<dirfd>/monitor.sock. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLY_TIMEOUT_MS 30000
#define REQUEST_TIMEOUT_MS 1000

static int sock_addr(const char *state_dir, int *dirfd, struct sockaddr_un *sa)
{
	*dirfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd,
		 CONTROL_SOCKET);
	return 0;
}

int control_listen(const char *state_dir, struct vxn_err *err)
{
	struct sockaddr_un sa;
	int dirfd, fd;

	if (sock_addr(state_dir, &dirfd, &sa))
		return err_set(err, errno, "open %s", state_dir);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		close(dirfd);
		return err_set(err, errno, "socket");
	}
	mode_t old = umask(0077);  /* the socket is born 0600 */
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r || listen(fd, 8)) {
		int e = errno;
		close(fd);
		close(dirfd);
		return err_set(err, e, "control socket in %s", state_dir);
	}
	close(dirfd);
	return fd;
}

static int wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int r;

	while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return r;
}

static int parse_reply(const char *reply, struct vxn_err *err)
{
	if (strcmp(reply, "ok") == 0)
		return 0;
	if (strncmp(reply, "error: ", 7) == 0)
		return err_set(err, 0, "%s", reply + 7);
	return err_set(err, EPROTO, "unexpected reply from the monitor");
}

int control_connect(const char *state_dir, struct vxn_err *err)
{
	struct sockaddr_un sa;
	int dirfd, fd, e;

	if (sock_addr(state_dir, &dirfd, &sa))
		return err_set(err, errno, "open %s", state_dir);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		e = errno;
		if (fd >= 0)
			close(fd);
		close(dirfd);
		return err_set(err, e, "talking to the container's monitor");
	}
	close(dirfd);
	return fd;
}

ssize_t control_call(const char *state_dir, const char *req, char *reply, size_t cap,
		     struct vxn_err *err)
{
	int fd = control_connect(state_dir, err), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		e = errno;
		goto fail;
	}
	if (wait_fd(fd, POLLIN, REPLY_TIMEOUT_MS) <= 0) {
		e = ETIMEDOUT;
		goto fail;
	}
	n = recv(fd, reply, cap - 1, 0);
	if (n <= 0) {
		e = n < 0 ? errno : ECONNRESET;
		goto fail;
	}
	reply[n] = '\0';
	close(fd);
	return n;
fail:
	close(fd);
	return err_set(err, e, "talking to the container's monitor");
}

int control_request(const char *state_dir, const char *req, struct vxn_err *err)
{
	char reply[CONTROL_MSG_MAX + 1];

	if (control_call(state_dir, req, reply, sizeof(reply), err) < 0)
		return -1;
	return parse_reply(reply, err);
}

int control_accept(int listen_fd, char *req, size_t cap)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	/* a client that connects and says nothing may hold us up only briefly */
	if (wait_fd(fd, POLLIN, REQUEST_TIMEOUT_MS) <= 0 ||
	    (n = recv(fd, req, cap - 1, MSG_DONTWAIT)) <= 0) {
		close(fd);
		return -1;
	}
	req[n] = '\0';
	return fd;
}

void control_reply(int conn_fd, const char *reply)
{
	send(conn_fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT);
}
