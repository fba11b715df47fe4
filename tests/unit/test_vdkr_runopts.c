/* vdkr/runopts.c: run's flags, sizes, CPU counts and volumes. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
	char *b[] = { "run", "-v", "/a:/b", "--volume", "/c:/b/", "img", NULL };
	refused(b, ARGC(b), "Duplicate mount point: /b");
	char *b2[] = { "run", "-v", "/a:/b", "-v", "rel:/c", "img", NULL };
	refused(b2, ARGC(b2), "named volumes are not supported by vdkr");
	char *c[] = { "run", "-p", "80", "img", NULL };
	refused(c, ARGC(c), "a host port is needed");
	char *c2[] = { "run", "-p", "8080:80", "--network", "none", "img", NULL };
	refused(c2, ARGC(c2), "conflicting options: port publishing");
	char *c3[] = { "run", "-p", "8080-8081:80", "img", NULL };
	refused(c3, ARGC(c3), "invalid host port");
	char *c4[] = { "run", "-p", "8080:80/sctp", "img", NULL };
	refused(c4, ARGC(c4), "must be tcp or udp");
	char *c5[] = { "run", "-p", "::1:8080:80", "img", NULL };
	refused(c5, ARGC(c5), "must be IPv4");
	char *c6[] = { "run", "-p", "8080:65536", "img", NULL };
	refused(c6, ARGC(c6), "invalid container port");
	char *c7[] = { "run", "-p", "0:80", "img", NULL };
	refused(c7, ARGC(c7), "invalid host port");
	char *d[] = { "run", "--rm", NULL };
	refused(d, ARGC(d), "requires at least 1 argument");
	char *e[] = { "run", "--name", "a/b", "img", NULL };
	refused(e, ARGC(e), "invalid container name");
	char *f[] = { "run", "--network", "overlay", "img", NULL };
	refused(f, ARGC(f), "not supported by vdkr (bridge, none and host are)");
	char *g[] = { "run", "-e", NULL };
	refused(g, ARGC(g), "missing value");
}

static void test_publish_parsed(void **state)
{
	struct run_opts o;
	struct vxn_err err = { 0 };
	(void)state;
	char *argv[] = { "run", "-p", "127.0.0.1:18080:80", "--publish", "5353:53/udp", "-p",
			 "8443:443/tcp", "img", NULL };

	assert_int_equal(runopts_parse(ARGC(argv), argv, &o, &err), 0);
	assert_true(o.bridge);
	assert_int_equal(o.npublish, 3);
	assert_string_equal(o.publish[0].host_ip, "127.0.0.1");
	assert_int_equal(o.publish[0].host_port, 18080);
	assert_int_equal(o.publish[0].port, 80);
	assert_false(o.publish[0].udp);
	assert_string_equal(o.publish[1].host_ip, "");
	assert_int_equal(o.publish[1].host_port, 5353);
	assert_int_equal(o.publish[1].port, 53);
	assert_true(o.publish[1].udp);
	assert_int_equal(o.publish[2].host_port, 8443);
	assert_false(o.publish[2].udp);
	runopts_free(&o);
	char *b[] = { "run", "--network", "bridge", "img", NULL };
	assert_int_equal(runopts_parse(ARGC(b), b, &o, &err), 0);
	assert_true(o.bridge);
	assert_int_equal(o.npublish, 0);
	runopts_free(&o);
	char *n[] = { "run", "--net", "none", "img", NULL };
	assert_int_equal(runopts_parse(ARGC(n), n, &o, &err), 0);
	assert_false(o.bridge);
	runopts_free(&o);
	/* no --network: docker's default, the bridge */
	char *d[] = { "run", "img", NULL };
	assert_int_equal(runopts_parse(ARGC(d), d, &o, &err), 0);
	assert_true(o.bridge);
	assert_false(o.no_network);
	runopts_free(&o);
	char *h[] = { "run", "--network=host", "img", NULL };
	assert_int_equal(runopts_parse(ARGC(h), h, &o, &err), 0);
	assert_false(o.bridge);
	runopts_free(&o);
}

static void test_dns_and_add_host(void **state)
{
	(void)state;
	struct run_opts o;
	struct vxn_err err = { 0 };
	char *a[] = { "run", "--dns", "192.0.2.53", "--dns=2001:db8::53", "--add-host",
		      "db:198.51.100.7", "--add-host=v6:2001:db8::1", "--add-host", "gw:host-gateway",
		      "img", NULL };

	assert_int_equal(runopts_parse(ARGC(a), a, &o, &err), 0);
	assert_int_equal(o.ndns, 2);
	assert_string_equal(o.dns[1], "2001:db8::53");
	assert_int_equal(o.nadd_hosts, 3);
	assert_string_equal(o.add_hosts[1], "v6:2001:db8::1");
	runopts_free(&o);
	char *d[] = { "run", "--dns", "resolver.lan", "img", NULL };
	refused(d, ARGC(d), "invalid argument \"resolver.lan\" for \"--dns\" flag: resolver.lan "
		"is not an ip address");
	char *h1[] = { "run", "--add-host", "nocolon", "img", NULL };
	refused(h1, ARGC(h1), "invalid argument \"nocolon\" for \"--add-host\" flag: bad format "
		"for add-host: \"nocolon\"");
	char *h2[] = { "run", "--add-host", ":198.51.100.7", "img", NULL };
	refused(h2, ARGC(h2), "bad format for add-host");
	char *h3[] = { "run", "--add-host", "db:300.1.1.1", "img", NULL };
	refused(h3, ARGC(h3), "invalid IP address in add-host: \"300.1.1.1\"");
}

static void test_volumes_parsed(void **state)
{
	(void)state;
	char *argv[] = { "run", "-v", "/srv/data:/data", "--volume", "/etc/x.conf:/x.conf:ro",
			 "-v/a//b/./c/../:/w/:rw", "--volume=/:/host:ro", "img", NULL };
	struct run_opts o;
	struct vxn_err err = { 0 };

	assert_int_equal(runopts_parse(ARGC(argv), argv, &o, &err), 0);
	assert_int_equal(o.nvolumes, 4);
	assert_string_equal(o.volumes[0].source, "/srv/data");
	assert_string_equal(o.volumes[0].destination, "/data");
	assert_false(o.volumes[0].readonly);
	assert_string_equal(o.volumes[1].source, "/etc/x.conf");
	assert_true(o.volumes[1].readonly);
	assert_string_equal(o.volumes[2].source, "/a/b");
	assert_string_equal(o.volumes[2].destination, "/w");
	assert_false(o.volumes[2].readonly);
	assert_string_equal(o.volumes[3].source, "/");
	assert_string_equal(o.volumes[3].destination, "/host");
	assert_string_equal(o.image, "img");
	runopts_free(&o);
	assert_int_equal(o.nvolumes, 0);
}

static void volume_is(const char *spec, const char *src, const char *dst, bool ro)
{
	struct run_volume v;
	struct vxn_err err = { 0 };

	if (parse_volume(spec, &v, &err))
		fail_msg("%s: %s", spec, err.msg);
	assert_string_equal(v.source, src);
	assert_string_equal(v.destination, dst);
	assert_int_equal(v.readonly, ro);
	free(v.source);
	free(v.destination);
}

static void volume_refused(const char *spec, const char *why)
{
	struct run_volume v;
	struct vxn_err err = { 0 };

	assert_int_equal(parse_volume(spec, &v, &err), -1);
	if (!strstr(err.msg, why))
		fail_msg("%s: '%s' does not say '%s'", spec, err.msg, why);
	assert_null(strchr(err.msg, '\n'));
}

static void test_volume_specs(void **state)
{
	(void)state;
	volume_is("/a:/b", "/a", "/b", false);
	volume_is("/a/:/b/c/", "/a", "/b/c", false);
	volume_is("//a///b:/c/./d", "/a/b", "/c/d", false);
	volume_is("/a/../../x:/../y/z/..", "/x", "/y", false);
	volume_is("/a:/b:ro", "/a", "/b", true);
	volume_is("/a:/b:rw", "/a", "/b", false);
	volume_is("/.:/b/..c", "/", "/b/..c", false);
}

static void test_volume_refusals(void **state)
{
	(void)state;
	volume_refused("/data", "anonymous volumes are not supported");
	volume_refused("myvol:/data", "named volumes are not supported by vdkr");
	volume_refused("./dir:/data", "named volumes are not supported by vdkr");
	volume_refused("/a:data", "invalid mount path: 'data' mount path must be absolute");
	volume_refused("/a:data:ro", "invalid mount path: 'data' mount path must be absolute");
	volume_refused("/a:/", "destination can't be '/'");
	volume_refused("/a:/b/..", "destination can't be '/'");
	volume_refused("/a:/b:z", "option 'z' not supported by vdkr (only ro or rw)");
	volume_refused("/a:/b:ro,Z", "option 'Z' not supported");
	volume_refused("/a:/b:rshared", "option 'rshared' not supported");
	volume_refused("/a:/b:ro,rw", "invalid mode");
	volume_refused("/a:/b:ro,", "invalid mode");
	volume_refused("/a:/b:", "invalid mode");
	volume_refused("/a:/b:ro:x", "invalid volume specification");
	volume_refused(":/b", "invalid volume specification");
	volume_refused("/a:", "invalid volume specification");
	volume_refused("/a::ro", "invalid volume specification");
	volume_refused("", "anonymous volumes");
}

static void test_volume_limit(void **state)
{
	(void)state;
	char *argv[2 * RUNOPTS_MAX_VOLUMES + 8], specs[RUNOPTS_MAX_VOLUMES + 1][32];
	int argc = 0;

	argv[argc++] = "run";
	for (int i = 0; i <= RUNOPTS_MAX_VOLUMES; i++) {
		snprintf(specs[i], sizeof(specs[i]), "/s:/d%d", i);
		argv[argc++] = "-v";
		argv[argc++] = specs[i];
	}
	argv[argc++] = "img";
	argv[argc] = NULL;
	refused(argv, argc, "more than 64 given");
	/* the failure freed what was parsed: ASan's leak check sees to it */
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
		cmocka_unit_test(test_volumes_parsed),
		cmocka_unit_test(test_publish_parsed),
		cmocka_unit_test(test_dns_and_add_host),
		cmocka_unit_test(test_volume_specs),
		cmocka_unit_test(test_volume_refusals),
		cmocka_unit_test(test_volume_limit),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
