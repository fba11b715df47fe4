/* The receiving end of --console-socket, as containerd's shim and conmon
 * are: listen on a UNIX socket, take exactly one fd (SCM_RIGHTS), check it
 * is a tty, then drive the interactive shell behind it:
 *   type a command and see its output (and, given "console", what it
 *   writes to /dev/console); resize and see `stty size` follow;
 *   start `sleep`, type ^C and see the shell come back (SIGINT reached the
 *   foreground process); type `exit N`; read until the terminal hangs up.
 * One "ok ..." line per step on stdout; exit 0 when every step passed.
 *
 *   console-recv SOCKET [EXIT_CODE [console]]     (default 5)
 * "console": the container's own process, whose terminal runc binds on
 * /dev/console (an exec's is not). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define FIRST_WAIT_S 600   /* the guest boots under emulation */
#define STEP_WAIT_S 60

static char seen[1 << 16];
static size_t seen_len;

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 1)) {
		perror("console-recv: listen");
		exit(2);
	}
	return fd;
}

static int receive_fd(int lfd)
{
	char data[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, sizeof data };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	int conn = accept(lfd, NULL, NULL), fd = -1;

	if (conn < 0 || recvmsg(conn, &msg, 0) < 0) {
		perror("console-recv: receive");
		exit(2);
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	close(conn);
	return fd;
}

/* Read what the terminal shows until text appears (0), it hangs up (1) or
 * time runs out (-1). Everything read is echoed to stderr for the log. */
static int wait_for(int fd, const char *text, int seconds)
{
	time_t end = time(NULL) + seconds;

	while (!text || !memmem(seen, seen_len, text, strlen(text))) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (time(NULL) >= end)
			return -1;
		if (poll(&p, 1, 1000) <= 0)
			continue;
		if (seen_len == sizeof seen)
			seen_len = 0;
		ssize_t n = read(fd, seen + seen_len, sizeof seen - seen_len);
		if (n <= 0)
			return n == 0 || errno == EIO ? 1 : -1;
		fwrite(seen + seen_len, 1, (size_t)n, stderr);
		seen_len += (size_t)n;
	}
	seen_len = 0;
	return 0;
}

static void type(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		perror("console-recv: write");
}

static int step(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	fflush(stdout);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	char cmd[64];
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: console-recv SOCKET [EXIT_CODE [console]]\n");
		return 2;
	}
	int fd = receive_fd(listen_on(argv[1]));
	if (step(fd >= 0 && isatty(fd), "received a tty"))
		return 1;
	type(fd, "echo MARK-$((6*7))\n");
	bad |= step(wait_for(fd, "MARK-42", FIRST_WAIT_S) == 0, "command output");
	/* runc binds the terminal on /dev/console: what goes there comes here */
	if (argc > 3 && strcmp(argv[3], "console") == 0) {
		type(fd, "echo VIA-CONSOLE-$((2*3)) > /dev/console\n");
		bad |= step(wait_for(fd, "VIA-CONSOLE-6", STEP_WAIT_S) == 0,
			    "/dev/console is the terminal");
	}
	struct winsize ws = { .ws_row = 33, .ws_col = 77 };
	ioctl(fd, TIOCSWINSZ, &ws);
	sleep(1);  /* the resize travels: host pty -> monitor -> guest pty */
	type(fd, "stty size\n");
	bad |= step(wait_for(fd, "33 77", STEP_WAIT_S) == 0, "resize seen by stty size");
	type(fd, "sleep 1000\n");
	sleep(2);
	type(fd, "\003");
	type(fd, "echo AFTER-$((1+1))\n");
	bad |= step(wait_for(fd, "AFTER-2", STEP_WAIT_S) == 0, "^C interrupted sleep");
	snprintf(cmd, sizeof cmd, "exit %s\n", argc > 2 ? argv[2] : "5");
	type(fd, cmd);
	bad |= step(wait_for(fd, NULL, STEP_WAIT_S) == 1, "hang-up after exit");
	return bad;
}
