/* util.c: container IDs and signal names. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <cmocka.h>

#include "util.h"

static void test_id_good(void **state)
{
	(void)state;
	struct vxn_err err = { 0 };
	const char *good[] = { "a", "c1", "0a1b2c3d4e5f", "my_container.v1+x-y", "A" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(id_validate(good[i], &err), 0);
	char longest[1025];
	memset(longest, 'x', 1024);
	longest[1024] = '\0';
	assert_int_equal(id_validate(longest, &err), 0);
}

static void test_id_bad(void **state)
{
	(void)state;
	struct vxn_err err = { 0 };
	const char *bad[] = { "", ".", "..", "../x", "a/b", "/abs", "-x", "_x", ".hidden",
			      "a b", "a\nb", "é", "a:b", "x/..", "a\\b" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err.msg[0] = '\0';
		assert_int_equal(id_validate(bad[i], &err), -1);
		assert_non_null(strstr(err.msg, "invalid container ID"));
	}
	assert_int_equal(id_validate(NULL, &err), -1);
	char toolong[1026];
	memset(toolong, 'x', 1025);
	toolong[1025] = '\0';
	assert_int_equal(id_validate(toolong, &err), -1);
	assert_non_null(strstr(err.msg, "1024"));
}

static void test_signal_good(void **state)
{
	(void)state;
	struct vxn_err err = { 0 };
	assert_int_equal(signal_parse("9", &err), 9);
	assert_int_equal(signal_parse("15", &err), 15);
	assert_int_equal(signal_parse("1", &err), 1);
	assert_int_equal(signal_parse("64", &err), 64);
	assert_int_equal(signal_parse("KILL", &err), SIGKILL);
	assert_int_equal(signal_parse("SIGKILL", &err), SIGKILL);
	assert_int_equal(signal_parse("sigterm", &err), SIGTERM);
	assert_int_equal(signal_parse("term", &err), SIGTERM);
	assert_int_equal(signal_parse("SigUsr1", &err), SIGUSR1);
	assert_int_equal(signal_parse("WINCH", &err), SIGWINCH);
	assert_int_equal(signal_parse("HUP", &err), SIGHUP);
}

static void test_signal_bad(void **state)
{
	(void)state;
	struct vxn_err err = { 0 };
	const char *bad[] = { "", "0", "65", "-9", "9x", "SIG", "SIGFOO", "KILLL", " 9",
			      "99999999999999999999", "+9", "RTMIN+1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err.msg[0] = '\0';
		assert_int_equal(signal_parse(bad[i], &err), -1);
		assert_non_null(strstr(err.msg, "invalid signal"));
	}
	assert_int_equal(signal_parse(NULL, &err), -1);
}

static void test_rlimit_names(void **state)
{
	(void)state;
	assert_int_equal(rlimit_parse("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	assert_int_equal(rlimit_parse("RLIMIT_STACK"), RLIMIT_STACK);
	assert_int_equal(rlimit_parse("NOFILE"), -1);
	assert_int_equal(rlimit_parse("rlimit_nofile"), -1);
	assert_string_equal(rlimit_name(RLIMIT_NPROC), "RLIMIT_NPROC");
	assert_null(rlimit_name(999));
}

static void test_parse_decimal(void **state)
{
	(void)state;
	uint64_t v = 7;

	assert_int_equal(parse_decimal("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_decimal("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	const char *bad[] = { NULL, "", "-1", "+1", " 1", "1 ", "1k", "0x10", "18446744073709551616" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse_decimal(bad[i], &v), -1);
	assert_int_equal(v, 7);
}

static void test_rfc3339_nano(void **state)
{
	(void)state;
	struct timespec ts = { .tv_sec = 1767323045, .tv_nsec = 6 };
	char buf[64], small[30];

	rfc3339_nano(&ts, buf, sizeof buf);
	assert_string_equal(buf, "2026-01-02T03:04:05.000000006Z");
	rfc3339_nano(&ts, small, sizeof small);
	assert_string_equal(small, "");
}

/* Short IDs name their domain vxn-ID; long ones are cut, with a hash of
 * the whole ID, short enough for libxl's qemu-dm-NAME.log. */
static void test_domain_name_for(void **state)
{
	(void)state;
	char name[DOMAIN_NAME_MAX], other[DOMAIN_NAME_MAX], id[251];

	domain_name_for("c1", name);
	assert_string_equal(name, "vxn-c1");
	memset(id, 'L', DOMAIN_ID_PLAIN_MAX);
	id[DOMAIN_ID_PLAIN_MAX] = '\0';
	domain_name_for(id, name);
	assert_int_equal(strlen(name), 4 + DOMAIN_ID_PLAIN_MAX);
	memset(id, 'L', 250);
	id[250] = '\0';
	domain_name_for(id, name);
	assert_int_equal(strlen(name), 4 + DOMAIN_ID_KEPT + 1 + 16);
	assert_true(strlen("qemu-dm-") + strlen(name) + strlen(".log") <= 255);
	assert_memory_equal(name, "vxn-LLL", 7);
	id[249] = 'M';  /* differs only past the kept part */
	domain_name_for(id, other);
	assert_string_not_equal(name, other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_name_for),
		cmocka_unit_test(test_id_good),     cmocka_unit_test(test_id_bad),
		cmocka_unit_test(test_signal_good), cmocka_unit_test(test_signal_bad),
		cmocka_unit_test(test_rlimit_names),
		cmocka_unit_test(test_parse_decimal),
		cmocka_unit_test(test_rfc3339_nano),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
