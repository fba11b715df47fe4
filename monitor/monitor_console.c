/* See monitor_console.h. */
#include "monitor_console.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "domwatch.h"
#include "log.h"
#include "monitor_handoff.h"

#define CONSOLE_LOG_MAX (1024 * 1024)
#define CONSOLE_RETRY_MS 500
#define CONSOLE_TRIES 40
#define PTS_MAJOR_FIRST 136    /* Linux's Unix98 pty slaves: majors 136-143 */
#define PTS_MAJOR_LAST 143

/* The console path is in the guest's part of xenstore (read-only to the
 * guest, but still the guest's): only a /dev/pts/N that is a pty slave is
 * opened. */
static bool console_path_ok(const char *tty)
{
	static const char prefix[] = "/dev/pts/";

	if (strncmp(tty, prefix, sizeof(prefix) - 1) != 0)
		return false;
	const char *num = tty + sizeof(prefix) - 1;
	size_t len = strlen(num);
	return len > 0 && len <= 9 && strspn(num, "0123456789") == len;
}

static bool is_pty_slave(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       major(st.st_rdev) >= PTS_MAJOR_FIRST && major(st.st_rdev) <= PTS_MAJOR_LAST;
}

void console_try_open(struct mon_console *c, struct domwatch *dw)
{
	struct termios t;
	char *tty;

	if (c->fd >= 0 || c->tries >= CONSOLE_TRIES)
		return;
	c->tries++;
	tty = domwatch_console_tty(dw);
	if (!tty || !*tty) {
		free(tty);
		return;  /* xenconsoled has not published it yet (libxl leaves it "") */
	}
	if (!console_path_ok(tty)) {
		log_warn("monitor: console path is not a pty, ignored");
		c->tries = CONSOLE_TRIES;
		free(tty);
		return;
	}
	c->fd = open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (c->fd >= 0 && !is_pty_slave(c->fd)) {
		close(c->fd);
		c->fd = -1;
		errno = ENOTTY;
	}
	if (c->fd >= 0 && tcgetattr(c->fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(c->fd, TCSANOW, &t);
	}
	log_debug("monitor: console %s %s", tty, c->fd >= 0 ? "open" : strerror(errno));
	free(tty);
}

void console_init(struct mon_console *c, const char *state_dir, struct domwatch *dw)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", state_dir, MONITOR_CONSOLE_LOG) >=
	    sizeof(path))
		path[0] = '\0';  /* opening "" fails: no log */
	c->log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	console_try_open(c, dw);
}

int console_retry_ms(const struct mon_console *c)
{
	return c->fd < 0 && c->tries < CONSOLE_TRIES ? CONSOLE_RETRY_MS : -1;
}

void console_read(struct mon_console *c)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(c->fd, buf, sizeof(buf))) > 0) {
		size_t keep = c->bytes >= CONSOLE_LOG_MAX ? 0 : CONSOLE_LOG_MAX - c->bytes;
		if ((size_t)n < keep)
			keep = (size_t)n;
		if (keep && c->log >= 0 && write(c->log, buf, keep) < 0)
			keep = 0;
		c->bytes += keep;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(c->fd);  /* hung up: xenconsoled let go of the domain */
		c->fd = -1;
		c->tries = CONSOLE_TRIES;
	}
}

void console_close(struct mon_console *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->log >= 0)
		close(c->log);
	c->fd = c->log = -1;
}
