/* guest-init/mountflags.c: one launch mount -> mount(2) calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
#include <cmocka.h>

#include "mountflags.h"

static void test_plain_fs(void **state)
{
	(void)state;
	struct mount_steps s;

	mount_steps_from("proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, &s);
	assert_int_equal(s.kind, MOUNT_KIND_FS);
	assert_int_equal(s.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
	assert_int_equal(s.remount, 0);
	assert_int_equal(s.propagation, 0);
	mount_steps_from("tmpfs", MS_RDONLY, &s);
	assert_int_equal(s.flags, MS_RDONLY);
}

static void test_cgroup_skipped(void **state)
{
	(void)state;
	struct mount_steps s;

	mount_steps_from("cgroup", MS_RDONLY, &s);
	assert_int_equal(s.kind, MOUNT_KIND_SKIP);
	mount_steps_from("cgroup2", 0, &s);
	assert_int_equal(s.kind, MOUNT_KIND_SKIP);
}

static void test_bind_needs_remount_for_ro(void **state)
{
	(void)state;
	struct mount_steps s;

	mount_steps_from("bind", MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID, &s);
	assert_int_equal(s.kind, MOUNT_KIND_BIND);
	assert_int_equal(s.flags, MS_BIND | MS_REC);
	assert_int_equal(s.remount, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID);
	mount_steps_from("none", MS_BIND, &s);
	assert_int_equal(s.kind, MOUNT_KIND_BIND);
	assert_int_equal(s.flags, MS_BIND);
	assert_int_equal(s.remount, 0);
	mount_steps_from("rbind", 0, &s);
	assert_int_equal(s.kind, MOUNT_KIND_BIND);
	assert_int_equal(s.flags, MS_BIND | MS_REC);
}

static void test_propagation_is_separate(void **state)
{
	(void)state;
	struct mount_steps s;

	mount_steps_from("tmpfs", MS_NOSUID | MS_PRIVATE | MS_REC, &s);
	assert_int_equal(s.flags, MS_NOSUID);
	assert_int_equal(s.propagation, MS_PRIVATE | MS_REC);
	mount_steps_from("bind", MS_BIND | MS_SLAVE, &s);
	assert_int_equal(s.flags, MS_BIND);
	assert_int_equal(s.propagation, MS_SLAVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fs),
		cmocka_unit_test(test_cgroup_skipped),
		cmocka_unit_test(test_bind_needs_remount_for_ro),
		cmocka_unit_test(test_propagation_is_separate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
