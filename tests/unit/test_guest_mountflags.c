/* guest-init/mountflags.c: one launch mount -> mount(2) calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
#include <stdbool.h>
#include <cmocka.h>

#include "mountflags.h"
#include "vxn-proto.h"

/* A volume is a bind from its share: read-only and nosuid need the remount
 * as any bind does (the read-only that counts is dom0's, this one is the
 * container's view), MS_BIND even when the spec only said "bind" in type. */
static void test_share_is_a_bind(void **state)
{
	(void)state;
	struct mount_steps s;

	mount_steps_from(VXN_SHARE_TYPE, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID, &s);
	assert_int_equal(s.kind, MOUNT_KIND_SHARE);
	assert_int_equal(s.flags, MS_BIND | MS_REC);
	assert_int_equal(s.remount, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID);
	mount_steps_from(VXN_SHARE_TYPE, 0, &s);
	assert_int_equal(s.kind, MOUNT_KIND_SHARE);
	assert_int_equal(s.flags, MS_BIND);
	assert_int_equal(s.remount, 0);
}

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

static struct vxn_mount ns_mounts[] = {
	{ "/proc", "proc", "proc", 0, "" },
	{ "/dev", "tmpfs", "tmpfs", 0, "" },
	{ "/proc/kcore", "bind", "/dev/null", MS_BIND, "" },
	{ "/processes", "tmpfs", "tmpfs", 0, "" },
	{ "/proc2/", "proc", "proc", 0, "" },
	{ "/proc2/sys", "bind", "/proc2/sys", MS_BIND, "" },
	{ "/proc", "tmpfs", "tmpfs", 0, "" },
};

static void test_by_process_only_in_a_pid_namespace(void **state)
{
	(void)state;
	struct vxn_launch l = { .mounts = ns_mounts, .nmounts = 7 };

	for (uint32_t i = 0; i < l.nmounts; i++)
		assert_false(mount_by_process(&l, i));
	l.pid_namespace = true;
	assert_true(mount_by_process(&l, 0));
	assert_false(mount_by_process(&l, 7));  /* out of range */
	l.nmounts = 0;
	assert_false(mount_by_process(&l, 0));
}

static void test_by_process_beneath_proc(void **state)
{
	(void)state;
	struct vxn_launch l = { .mounts = ns_mounts, .nmounts = 7, .pid_namespace = true };
	const bool want[] = { true, false, true, false, true, true, true };

	for (uint32_t i = 0; i < l.nmounts; i++)
		if (mount_by_process(&l, i) != want[i])
			fail_msg("mount %u (%s): want %d", i, ns_mounts[i].destination, want[i]);
	/* a mount beneath /proc made before proc is guest-init's (proc hides it, as under runc) */
	struct vxn_mount before[] = { { "/proc/x", "tmpfs", "tmpfs", 0, "" },
				      { "/proc", "proc", "proc", 0, "" } };
	struct vxn_launch b = { .mounts = before, .nmounts = 2, .pid_namespace = true };
	assert_false(mount_by_process(&b, 0));
	assert_true(mount_by_process(&b, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fs),
		cmocka_unit_test(test_by_process_only_in_a_pid_namespace),
		cmocka_unit_test(test_by_process_beneath_proc),
		cmocka_unit_test(test_share_is_a_bind),
		cmocka_unit_test(test_cgroup_skipped),
		cmocka_unit_test(test_bind_needs_remount_for_ro),
		cmocka_unit_test(test_propagation_is_separate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
