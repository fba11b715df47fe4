/* config.c: defaults, the key = value format, and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "rt_fixture.h"

static char path[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s/vxn-test-conf-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir);
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return unlink(path);
}

static void test_defaults(void **state)
{
	(void)state;
	struct vxn_config c;
	struct vxn_err err = { 0 };
	assert_int_equal(fixture_write(path, ""), 0);
	assert_int_equal(config_load(path, &c, &err), 0);
	assert_int_equal(c.memory_mib, 64);
	assert_int_equal(c.vcpus, 1);
	/* VXN_DATA_DIR depends on the install prefix */
	assert_true(c.kernel[0] == '/' && strstr(c.kernel, "/vxn/vmlinux"));
	assert_true(c.initramfs[0] == '/' && strstr(c.initramfs, "/vxn/initramfs.cpio"));
	assert_string_equal(c.kernel_args, "console=hvc0 quiet");
	assert_string_equal(c.disk_format, "ext4");
	assert_string_equal(c.state_root, "/run/vxn");
	assert_int_equal(c.pool_size, 0);  /* the warm pool is opt-in */
	assert_int_equal(c.rootdisk_cache, 0);  /* and the image cache */
	assert_true(c.rootfs_share);  /* the container's writes are kept */
	config_free(&c);
}

static void test_values(void **state)
{
	(void)state;
	struct vxn_config c;
	struct vxn_err err = { 0 };
	assert_int_equal(fixture_write(path,
		"# comment\n"
		"\n"
		"memory_mib = 256\n"
		"pod_overhead_mib = 48\n"
		"  vcpus=2  \n"
		"kernel = /opt/vxn/bzImage\n"
		"initramfs = /opt/vxn/init.cpio\n"
		"kernel_args = console=hvc0 loglevel=3\n"
		"disk_format = erofs\n"
		"state_root = /run/vxn-alt\n"
		"pool_size = 4\n"
		"rootdisk_cache = 8\n"
		"vdkr_subnet = 198.18.96.0/24\n"
		"rootfs = disk\n"), 0);
	assert_int_equal(config_load(path, &c, &err), 0);
	assert_int_equal(c.memory_mib, 256);
	assert_int_equal(c.pod_overhead_mib, 48);
	assert_int_equal(c.vcpus, 2);
	assert_string_equal(c.kernel, "/opt/vxn/bzImage");
	assert_string_equal(c.initramfs, "/opt/vxn/init.cpio");
	assert_string_equal(c.kernel_args, "console=hvc0 loglevel=3");
	assert_string_equal(c.disk_format, "erofs");
	assert_string_equal(c.state_root, "/run/vxn-alt");
	assert_int_equal(c.pool_size, 4);
	assert_int_equal(c.rootdisk_cache, 8);
	assert_string_equal(c.vdkr_subnet, "198.18.96.0/24");
	assert_false(c.rootfs_share);
	config_free(&c);
}

static void test_shipped(void **state)
{
	(void)state;
	struct vxn_config c;
	struct vxn_err err = { 0 };
	if (config_load("../../configs/vxn.conf", &c, &err) < 0)
		fail_msg("configs/vxn.conf: %s", err.msg);
	assert_int_equal(c.memory_mib, 64);
	assert_int_equal(c.pod_overhead_mib, 64);
	assert_string_equal(c.disk_format, "ext4");
	assert_int_equal(c.pool_size, 0);
	assert_int_equal(c.rootdisk_cache, 0);
	assert_true(c.rootfs_share);
	config_free(&c);
}

static void test_env(void **state)
{
	(void)state;
	struct vxn_config c;
	struct vxn_err err = { 0 };
	assert_int_equal(fixture_write(path, "vcpus = 3\n"), 0);
	setenv("VXN_CONFIG", path, 1);
	assert_int_equal(config_load(NULL, &c, &err), 0);
	assert_int_equal(c.vcpus, 3);
	config_free(&c);
	setenv("VXN_CONFIG", "/nonexistent/vxn.conf", 1);
	assert_int_equal(config_load(NULL, &c, &err), -1);  /* asked for explicitly: must exist */
	assert_non_null(strstr(err.msg, "/nonexistent/vxn.conf: No such file"));
	unsetenv("VXN_CONFIG");
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "memory_mib 64\n", ":1: expected 'key = value'" },
		{ "# ok\nmemory_mib =\n", ":2: expected 'key = value'" },
		{ "memory = 64\n", ":1: unknown key 'memory'" },
		{ "memory_mib = 64M\n", "memory_mib: must be an integer" },
		{ "memory_mib = 0\n", "memory_mib: must be an integer" },
		{ "memory_mib = -1\n", "memory_mib: must be an integer" },
		{ "pod_overhead_mib = 0\n", "pod_overhead_mib: must be an integer" },
		{ "vcpus = 100000\n", "vcpus: must be an integer from 1 to" },
		{ "disk_format = xfs\n", "disk_format: must be ext4 or erofs" },
		{ "rootfs = 9p\n", "rootfs: must be share or disk" },
		{ "kernel = vmlinux\n", "kernel: must be an absolute path" },
		{ "pool_size = 65\n", "pool_size: must be an integer from 0 to 64" },
		{ "pool_size = -1\n", "pool_size: must be an integer from 0 to 64" },
		{ "rootdisk_cache = 65\n", "rootdisk_cache: must be an integer from 0 to 64" },
		{ "vdkr_subnet = 198.18.96.1/24\n", "vdkr_subnet: must be an IPv4 network" },
		{ "vdkr_subnet = 198.18.96.0/30\n", "vdkr_subnet: must be an IPv4 network" },
		{ "vdkr_subnet = 198.18.96.0\n", "vdkr_subnet: must be an IPv4 network" },
		{ "vdkr_subnet = 198.18.96.0/24x\n", "vdkr_subnet: must be an IPv4 network" },
		{ "vdkr_subnet = 2001:db8::/64\n", "vdkr_subnet: must be an IPv4 network" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct vxn_config c;
		struct vxn_err err = { 0 };
		assert_int_equal(fixture_write(path, cases[i].text), 0);
		int r = config_load(path, &c, &err);
		if (r != -1 || !strstr(err.msg, cases[i].message))
			fail_msg("case %zu: got %d '%s', want '%s'", i, r, err.msg, cases[i].message);
		assert_null(c.kernel);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_values),
		cmocka_unit_test(test_shipped),  cmocka_unit_test(test_env),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
