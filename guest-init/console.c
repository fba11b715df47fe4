#include "console.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

void console_say(const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	int n = snprintf(line, sizeof line, "vxn-init: ");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = 0;
	while (line[len])
		len++;
	line[len++] = '\n';
	/* one write so lines from init and its child do not interleave */
	ssize_t r = write(STDERR_FILENO, line, len);
	(void)r;
}

void console_attach(void)
{
	int fd = -1;

	for (int i = 0; i <= 2; i++) {
		if (fcntl(i, F_GETFD) != -1)
			continue;
		if (fd < 0)
			fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return;
		if (fd != i)
			dup2(fd, i);
		else
			fcntl(fd, F_SETFD, 0);
	}
	if (fd > 2)
		close(fd);
}

uint64_t uptime_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
