/* netnics: the record of a guest's NICs is read back exactly as written,
 * and a line that is not one of ours ends it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netnics.h"

static size_t parse(const char *text, struct netnic *out)
{
	return netnics_parse(text, strlen(text), out, NETNICS_MAX);
}

static void test_parse_lines(void **state)
{
	struct netnic n[NETNICS_MAX];

	(void)state;
	assert_int_equal(parse("0 7 eth0\n1 12 eth1\n", n), 2);
	assert_int_equal(n[0].devid, 0);
	assert_int_equal(n[0].ifindex, 7);
	assert_string_equal(n[0].ifname, "eth0");
	assert_int_equal(n[1].devid, 1);
	assert_int_equal(n[1].ifindex, 12);
	assert_string_equal(n[1].ifname, "eth1");
	assert_int_equal(parse("", n), 0);
}

static void test_refused_lines(void **state)
{
	static const char *const bad[] = {
		"0 7 eth0",                 /* no newline: a half-written line */
		"0 0 eth0\n",               /* ifindex 0 */
		"256 7 eth0\n",             /* devid past 255 */
		"-1 7 eth0\n",
		"0 7\n",                    /* no name */
		"0 7 eth0 more\n",          /* a fourth field */
		"0 7 0123456789abcdef\n",   /* 16 characters: past IF_NAMESIZE */
		"0 7 eth/0\n",              /* not a name the kernel gives */
		"0 7 eth0\t\n",
		" 0 7 eth0\n",
		"0 99999999999 eth0\n",
		"1234 eth0\n",             /* numbers run together */
		"0  7 eth0\n",              /* two spaces */
		"01 7 eth0\n",              /* a leading zero */
	};
	struct netnic n[NETNICS_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse(bad[i], n), 0);
	/* a bad line ends the list: what came before stays */
	assert_int_equal(parse("0 7 eth0\nx\n1 8 eth1\n", n), 1);
}

static void test_at_most_max(void **state)
{
	char text[512] = "";
	struct netnic n[NETNICS_MAX];

	(void)state;
	for (unsigned i = 0; i < NETNICS_MAX + 3; i++) {
		char line[32];
		snprintf(line, sizeof line, "%u %u eth%u\n", i, i + 2, i);
		strcat(text, line);
	}
	assert_int_equal(parse(text, n), NETNICS_MAX);
	assert_int_equal(n[NETNICS_MAX - 1].ifindex, NETNICS_MAX + 1);
}

static void test_write_read_back(void **state)
{
	char dir[] = "/tmp/vxn-netnics.XXXXXX";
	struct netnic in[2] = { { 0, 3, "veth-a" }, { 2, 9, "eth1" } }, out[NETNICS_MAX];
	struct netinfo ni = { .ifindex = 11 };
	struct vxn_err err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(netnics_read(dir, out, NETNICS_MAX), 0);  /* no record yet */
	assert_int_equal(netnics_write(dir, in, 2, &err), 0);
	strcpy(ni.ifname, "eth2");
	assert_int_equal(netnics_record(dir, 3, &ni, &err), 0);
	assert_int_equal(netnics_read(dir, out, NETNICS_MAX), 3);
	assert_string_equal(out[0].ifname, "veth-a");
	assert_int_equal(out[1].devid, 2);
	assert_int_equal(out[2].devid, 3);
	assert_int_equal(out[2].ifindex, 11);
	assert_string_equal(out[2].ifname, "eth2");
	assert_int_equal(netnics_write(dir, in, 0, &err), 0);  /* all unplugged */
	assert_int_equal(netnics_read(dir, out, NETNICS_MAX), 0);
	char path[64];
	snprintf(path, sizeof path, "%s/net-nics", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_refused_lines),
		cmocka_unit_test(test_at_most_max),
		cmocka_unit_test(test_write_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
