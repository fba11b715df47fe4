/* guest-init/sysctl.c: a sysctl's file under /proc/sys, runc's rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sysctl.h"

static void test_path(void **state)
{
	(void)state;
	char path[64];
	const char *value = NULL;

	assert_int_equal(sysctl_path("net.ipv4.ip_forward=1", path, sizeof path, &value), 0);
	assert_string_equal(path, "/proc/sys/net/ipv4/ip_forward");
	assert_string_equal(value, "1");
	/* the value may hold '=' and blanks; only the first '=' splits */
	assert_int_equal(sysctl_path("net.ipv4.ping_group_range=0 2147483647", path, sizeof path,
				     &value), 0);
	assert_string_equal(value, "0 2147483647");
	assert_int_equal(sysctl_path("a.b=x=y", path, sizeof path, &value), 0);
	assert_string_equal(value, "x=y");
	/* dots become slashes, so ".." cannot climb: it is an empty name twice */
	assert_int_equal(sysctl_path("..=1", path, sizeof path, &value), 0);
	assert_string_equal(path, "/proc/sys///");
}

static void test_refused(void **state)
{
	(void)state;
	char path[32];
	const char *value;

	assert_int_equal(sysctl_path("noequals", path, sizeof path, &value), -1);
	assert_int_equal(sysctl_path("=1", path, sizeof path, &value), -1);
	assert_int_equal(sysctl_path("net/ipv4=1", path, sizeof path, &value), -1);
	/* longer than the buffer: refused, not cut */
	assert_int_equal(sysctl_path("net.ipv4.conf.default.forwarding=1", path, sizeof path,
				     &value), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
