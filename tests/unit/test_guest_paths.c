/* guest-init/paths.c: placing container paths under the root, runc-style
 * executable lookup, exec failure statuses and texts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "paths.h"

static void expect_join(const char *root, const char *path, const char *want)
{
	char out[256];

	assert_int_equal(path_in_root(root, path, out, sizeof out), 0);
	assert_string_equal(out, want);
}

static void test_path_in_root(void **state)
{
	(void)state;
	expect_join("/mnt/root", "/proc", "/mnt/root/proc");
	expect_join("/mnt/root/", "dev//pts/", "/mnt/root/dev/pts");
	expect_join("/mnt/root", "/a/./b/../c", "/mnt/root/a/c");
	expect_join("/mnt/root", "/../../etc/passwd", "/mnt/root/etc/passwd");
	expect_join("/mnt/root", "/a/../../..", "/mnt/root");
	expect_join("/mnt/root", "/", "/mnt/root");
	expect_join("/mnt/root", "", "/mnt/root");
	expect_join("/", "/tmp", "/tmp");
	expect_join("/", "..", "/");
	expect_join("/mnt/root", "/..foo/.bar", "/mnt/root/..foo/.bar");
}

static void test_path_in_root_too_long(void **state)
{
	(void)state;
	char out[16];

	assert_int_equal(path_in_root("/mnt/root", "/a", out, sizeof out), 0);
	assert_int_equal(path_in_root("/mnt/root", "/abcdefghij", out, sizeof out), -1);
	assert_int_equal(path_in_root("/mnt/rootrootrootroot", "/", out, sizeof out), -1);
}

static void test_env_get(void **state)
{
	(void)state;
	char *env[] = { "PATHX=no", "PATH=/bin", "EMPTY=", NULL };

	assert_string_equal(env_get(env, "PATH"), "/bin");
	assert_string_equal(env_get(env, "EMPTY"), "");
	assert_null(env_get(env, "PAT"));
	assert_null(env_get(NULL, "PATH"));
}

/* A fake filesystem: only these paths are executables. */
static const char *fake_execs[] = { "/usr/bin/sh", "/bin/sh", "./tool", "/opt/x/run", NULL };

static bool fake_is_exec(const char *path)
{
	for (const char **p = fake_execs; *p; p++)
		if (strcmp(*p, path) == 0)
			return true;
	return false;
}

static int lookup(const char *file, char **env, char *out)
{
	return exec_lookup(file, env, fake_is_exec, out, 256);
}

static void test_exec_lookup(void **state)
{
	(void)state;
	char out[256];
	char *env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	char *env_dot[] = { "PATH=/nowhere::/bin", NULL };
	char *env_none[] = { "FOO=bar", NULL };

	assert_int_equal(lookup("sh", env, out), 0);
	assert_string_equal(out, "/usr/bin/sh"); /* first match in PATH order */
	assert_int_equal(lookup("nope", env, out), -ENOENT);
	assert_int_equal(lookup("/bin/nope", env, out), 0); /* with a slash: as is */
	assert_string_equal(out, "/bin/nope");
	assert_int_equal(lookup("x/run", env, out), 0);
	assert_string_equal(out, "x/run");
	assert_int_equal(lookup("tool", env_dot, out), 0); /* empty entry: "." */
	assert_string_equal(out, "./tool");
	assert_int_equal(lookup("sh", env_none, out), -ENOENT);
	assert_int_equal(lookup("", env, out), -ENOENT);
	assert_int_equal(exec_lookup("sh", env, fake_is_exec, out, 4), -ENOENT);
	assert_int_equal(exec_lookup("/bin/sh", env, fake_is_exec, out, 4), -ENAMETOOLONG);
}

static void test_is_executable_file(void **state)
{
	(void)state;
	assert_true(is_executable_file("/bin/sh"));
	assert_false(is_executable_file("/etc/passwd"));
	assert_false(is_executable_file("/bin"));
	assert_false(is_executable_file("/definitely/not/here"));
}

static void test_exec_failure(void **state)
{
	(void)state;
	char text[256];

	assert_int_equal(exec_failure_status(ENOENT), 127);
	assert_int_equal(exec_failure_status(ENOTDIR), 127);
	assert_int_equal(exec_failure_status(EACCES), 126);
	assert_int_equal(exec_failure_status(ENOEXEC), 126);
	exec_failure_text("/bin/nope", ENOENT, false, text, sizeof text);
	assert_string_equal(text, "exec: /bin/nope: no such file or directory");
	exec_failure_text("/etc/passwd", EACCES, false, text, sizeof text);
	assert_string_equal(text, "exec: /etc/passwd: permission denied");
	exec_failure_text("nope", ENOENT, true, text, sizeof text);
	assert_string_equal(text, "exec: \"nope\": executable file not found in $PATH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_in_root),
		cmocka_unit_test(test_path_in_root_too_long),
		cmocka_unit_test(test_env_get),
		cmocka_unit_test(test_exec_lookup),
		cmocka_unit_test(test_is_executable_file),
		cmocka_unit_test(test_exec_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
