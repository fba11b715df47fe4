/* guest-init/podlaunch.c: what a pod's other container (CTR_START) may
 * ask for: its root an entry of the pod's share in mounts[0], its volumes
 * entries of that share too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "podlaunch.h"

#define ROOT_CAP (sizeof(VXN_SHARE_DIR) + 2 * VXN_SHARE_TAG_MAX + 2)

static struct vxn_mount mounts[4];

static struct vxn_launch launch_of(uint32_t n)
{
	static char *a[] = { "sh", NULL };
	struct vxn_launch l = { .args = a, .nargs = 1, .cwd = "/", .umask = -1,
				.hostname = "", .root_fstype = "", .mounts = mounts,
				.nmounts = n };
	return l;
}

static void set_mounts(void)
{
	mounts[0] = (struct vxn_mount){ "/", VXN_SHARE_TYPE, "pod/c3r", 0, "" };
	mounts[1] = (struct vxn_mount){ "/proc", "proc", "proc", 0, "" };
	mounts[2] = (struct vxn_mount){ "/data", VXN_SHARE_TYPE, "pod/c3v0", 0, "" };
	mounts[3] = (struct vxn_mount){ "/etc/hosts", "bind", "/etc/hosts", 0, "" };
}

static void expect_refused(uint32_t n, const char *why_part)
{
	struct vxn_launch l = launch_of(n);
	char root[ROOT_CAP];
	const char *why = NULL;

	assert_int_equal(podlaunch_check(&l, root, sizeof root, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
	set_mounts();
}

static void good_launch_gives_its_root(void **state)
{
	struct vxn_launch l;
	char root[ROOT_CAP];
	const char *why = NULL;

	(void)state;
	set_mounts();
	l = launch_of(4);
	assert_int_equal(podlaunch_check(&l, root, sizeof root, &why), 0);
	assert_string_equal(root, VXN_SHARE_DIR "/pod/c3r");
	l = launch_of(1);  /* the root alone */
	assert_int_equal(podlaunch_check(&l, root, sizeof root, &why), 0);
	/* too small for the path */
	assert_int_equal(podlaunch_check(&l, root, 8, &why), -1);
}

static void missing_or_odd_root_is_refused(void **state)
{
	(void)state;
	set_mounts();
	expect_refused(0, "no root");
	mounts[0].destination = "/x";
	expect_refused(4, "not the root");
	mounts[0].destination = "";
	expect_refused(4, "not the root");
	mounts[0].type = "bind";
	expect_refused(4, "not the root");
	mounts[0] = mounts[1];  /* /proc first */
	expect_refused(4, "not the root");
}

static void root_outside_the_pod_share_is_refused(void **state)
{
	static const char *const bad[] = {
		"pod", "pod/", "pod/v/x", "pod/../c3r", "pod/C3R", "pod/c3r/", "root/c3r",
		"podx/c3r", "vol1", "/pod/c3r", "pod//c3r", "pod/0123456789abcdef",
		"",
	};

	(void)state;
	set_mounts();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mounts[0].source = (char *)bad[i];
		expect_refused(4, "root is not an entry");
	}
}

static void volume_outside_the_pod_share_is_refused(void **state)
{
	static const char *const bad[] = { "vol1", "root", "root/e", "pod", "pod/a/b", "" };

	(void)state;
	set_mounts();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mounts[2].source = (char *)bad[i];
		expect_refused(4, "volume");
	}
}

static void a_pod_guest_lists_the_pod_share(void **state)
{
	struct vxn_share with[] = { { "vol1" }, { VXN_POD_SHARE_TAG } }, without[] = { { "vol1" } };
	struct vxn_launch l = launch_of(0);

	(void)state;
	assert_false(podlaunch_is_pod(&l));
	l.shares = without;
	l.nshares = 1;
	assert_false(podlaunch_is_pod(&l));
	l.shares = with;
	l.nshares = 2;
	assert_true(podlaunch_is_pod(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_launch_gives_its_root),
		cmocka_unit_test(missing_or_odd_root_is_refused),
		cmocka_unit_test(root_outside_the_pod_share_is_refused),
		cmocka_unit_test(volume_outside_the_pod_share_is_refused),
		cmocka_unit_test(a_pod_guest_lists_the_pod_share),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
