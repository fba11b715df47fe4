/* See pattern.h. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmocka.h>

#include "pattern.h"

uint8_t pattern(size_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13);
}

void pattern_fill(uint8_t *buf, size_t from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(from + i);
}

void pattern_check(const uint8_t *p, size_t from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i], pattern(from + i));
}

void pipe_sized(int p[2], int flags, unsigned size)
{
	assert_int_equal(pipe2(p, flags), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, size) >= (int)size);
}

int fd_pending(int fd)
{
	int n = 0;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}
