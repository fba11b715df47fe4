/* vdkr/runopts.c: run's flags, sizes and CPU counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "runopts.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])) - 1)

static void test_flags(void **state)
{
	(void)state;
	char *argv[] = { "run", "--rm", "-it", "-e", "A=1", "--env", "B", "--env-file", "f",
			 "-w", "/w", "-u", "1:2", "--name", "n1", "-m", "512m", "--cpus", "1.5",
			 "--entrypoint", "", "--hostname", "h", "--network", "none", "img",
			 "cmd", "-x", "--rm", NULL };
	struct run_opts o;
	struct vxn_err err = { 0 };

	assert_int_equal(runopts_parse(ARGC(argv), argv, &o, &err), 0);
	assert_true(o.rm && o.interactive && o.tty && !o.detach);
	assert_int_equal(o.nenv, 2);
	assert_string_equal(o.env[0], "A=1");
	assert_string_equal(o.env[1], "B");
	assert_string_equal(o.env_files[0], "f");
	assert_string_equal(o.workdir, "/w");
	assert_string_equal(o.user, "1:2");
	assert_string_equal(o.name, "n1");
	assert_int_equal(o.memory_bytes, 512ull << 20);
	assert_int_equal(o.cpu_quota, 150000);
	assert_true(o.has_entrypoint);
	assert_string_equal(o.entrypoint, "");
	assert_string_equal(o.hostname, "h");
	assert_string_equal(o.image, "img");
	/* flags after the image are the command's */
	assert_int_equal(o.nargs, 3);
	assert_string_equal(o.args[1], "-x");
}

static void refused(char **argv, int argc, const char *why)
{
	struct run_opts o;
	struct vxn_err err = { 0 };

	assert_int_equal(runopts_parse(argc, argv, &o, &err), -1);
	if (!strstr(err.msg, why))
		fail_msg("'%s' does not say '%s'", err.msg, why);
}

static void test_refusals(void **state)
{
	(void)state;
	char *a[] = { "run", "--bogus", "img", NULL };
	refused(a, ARGC(a), "unknown flag");
	char *b[] = { "run", "-v", "/a:/b", "img", NULL };
	refused(b, ARGC(b), "not supported yet by vxn: volumes");
	char *c[] = { "run", "-p", "80:80", "img", NULL };
	refused(c, ARGC(c), "not supported yet by vxn: published ports");
	char *d[] = { "run", "--rm", NULL };
	refused(d, ARGC(d), "requires at least 1 argument");
	char *e[] = { "run", "--name", "a/b", "img", NULL };
	refused(e, ARGC(e), "invalid container name");
	char *f[] = { "run", "--network", "bridge", "img", NULL };
	refused(f, ARGC(f), "no network device");
	char *g[] = { "run", "-e", NULL };
	refused(g, ARGC(g), "missing value");
}

static void test_sizes(void **state)
{
	(void)state;
	uint64_t v;
	struct vxn_err err;

	assert_int_equal(parse_memory("64m", &v, &err), 0);
	assert_int_equal(v, 64ull << 20);
	assert_int_equal(parse_memory("1G", &v, &err), 0);
	assert_int_equal(v, 1ull << 30);
	assert_int_equal(parse_memory("512mb", &v, &err), 0);
	assert_int_equal(v, 512ull << 20);
	assert_int_equal(parse_memory("8388608", &v, &err), 0);
	assert_int_equal(v, 8388608);
	const char *bad[] = { "", "m", "12x", "1mm", "-1m", "3m", "99999999999999999999", "1.5g" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_memory(bad[i], &v, &err), -1);
	assert_int_equal(parse_cpus("2", &v, &err), 0);
	assert_int_equal(v, 200000);
	assert_int_equal(parse_cpus("0.5", &v, &err), 0);
	assert_int_equal(v, 50000);
	assert_int_equal(parse_cpus(".25", &v, &err), 0);
	assert_int_equal(v, 25000);
	const char *badc[] = { "", "0", "x", "1.5x", "-1", "2000" };
	for (size_t i = 0; i < sizeof(badc) / sizeof(badc[0]); i++)
		assert_int_equal(parse_cpus(badc[i], &v, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
