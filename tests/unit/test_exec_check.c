/* exec_check: runc's create-time refusal of a missing executable, with every
 * path resolved inside the rootfs (absolute symlinks and ".." included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec_check.h"
#include "rootdisk.h"

static char root[] = "/tmp/vxn-exec-check.XXXXXX";

static void touch(const char *rel, mode_t mode)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	close(fd);
	chmod(p, mode);
}

static void link_to(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	char p[512];
	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/bin", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/work", root);
	mkdir(p, 0755);
	touch("bin/busybox", 0755);
	touch("bin/data", 0644);
	touch("work/tool", 0755);
	link_to("/bin/busybox", "bin/sh");          /* absolute: must stay inside */
	link_to("/../../../../../bin/true", "bin/escape");  /* ".." clamps at the root */
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	snprintf(cmd, sizeof(cmd), "%s/bin/sh", root); unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/bin/escape", root); unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/bin/busybox", root); unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/bin/data", root); unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/work/tool", root); unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/bin", root); rmdir(cmd);
	snprintf(cmd, sizeof(cmd), "%s/work", root); rmdir(cmd);
	rmdir(root);
	return 0;
}

static int check(const char *arg0, const char *path_env, const char *cwd, struct vxn_err *err)
{
	char *args[] = { (char *)arg0 };
	char env_buf[256];
	char *env[] = { env_buf };
	struct vxn_launch l = { .args = args, .nargs = 1, .cwd = (char *)cwd };
	if (path_env) {
		snprintf(env_buf, sizeof(env_buf), "PATH=%s", path_env);
		l.env = env;
		l.nenv = 1;
	}
	memset(err, 0, sizeof(*err));
	return exec_check(root, &l, err);
}

static void test_bare_name_through_path(void **state)
{
	struct vxn_err err;
	(void)state;
	assert_int_equal(check("sh", "/usr/bin:/bin", "/", &err), 0);
	assert_int_equal(check("busybox", NULL, "/", &err), 0);  /* default PATH */
}

static void test_missing_name_is_refused_like_runc(void **state)
{
	struct vxn_err err;
	(void)state;
	assert_int_equal(check("foo", "/bin", "/", &err), -1);
	assert_string_equal(err.msg, "exec: \"foo\": executable file not found in $PATH");
	assert_int_equal(check("sh", "/usr/bin", "/", &err), -1);
}

static void test_paths_resolve_inside_root(void **state)
{
	struct vxn_err err;
	(void)state;
	assert_int_equal(check("/bin/sh", NULL, "/", &err), 0);
	/* the host's /bin/true exists, the rootfs's does not */
	assert_int_equal(check("/bin/escape", NULL, "/", &err), -1);
	assert_int_equal(check("/bin/data", NULL, "/", &err), -1);  /* not executable */
	assert_int_equal(check("/bin", NULL, "/", &err), -1);       /* a directory */
	assert_int_equal(check("./tool", NULL, "/work", &err), 0);  /* relative to cwd */
	assert_int_equal(check("./tool", NULL, "/", &err), -1);
}

static void test_empty_args_refused(void **state)
{
	struct vxn_err err;
	(void)state;
	assert_int_equal(check("", NULL, "/", &err), -1);
}

static void test_ext4_size(void **state)
{
	(void)state;
	/* 1.3 x used + 32 MiB + inode room, whole MiB */
	assert_int_equal(rootdisk_ext4_size(0, 0), 32u << 20);
	assert_int_equal(rootdisk_ext4_size(100u << 20, 0), 162u << 20);
	assert_true(rootdisk_ext4_size(100u << 20, 100000) > (162u << 20));
	assert_int_equal(rootdisk_ext4_size(1, 1) % (1u << 20), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_name_through_path),
		cmocka_unit_test(test_missing_name_is_refused_like_runc),
		cmocka_unit_test(test_paths_resolve_inside_root),
		cmocka_unit_test(test_empty_args_refused),
		cmocka_unit_test(test_ext4_size),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
