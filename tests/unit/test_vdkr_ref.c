/* vdkr/ref.c: docker's reference grammar and normalisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ref.h"

static void canon_is(const char *in, const char *want)
{
	struct image_ref r;
	struct vxn_err err = { 0 };
	char out[REF_MAX];

	if (ref_parse(in, &r, &err))
		fail_msg("%s: %s", in, err.msg);
	assert_int_equal(ref_canonical(&r, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_normalised(void **state)
{
	(void)state;
	canon_is("busybox", "docker.io/library/busybox:latest");
	canon_is("busybox:1.36", "docker.io/library/busybox:1.36");
	canon_is("user/app", "docker.io/user/app:latest");
	canon_is("127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest");
	canon_is("127.0.0.1:5000/a/b:v1.2-x_y", "127.0.0.1:5000/a/b:v1.2-x_y");
	canon_is("localhost/bb", "localhost/bb:latest");
	canon_is("localhost:5000/bb:t", "localhost:5000/bb:t");
	canon_is("quay.io/x/y__z.w--v", "quay.io/x/y__z.w--v:latest");
	canon_is("busybox@sha256:"
		 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		 "docker.io/library/busybox@sha256:"
		 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_refused(void **state)
{
	(void)state;
	const char *bad[] = {
		"", "Busy", "a/B", "-x", "x-", "a..b", "a/", "/a", "a//b", "a:", "a:-t", "a:t!",
		"a@sha256:12", "a@md5:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"host:99999999/x", "a b", "a___b", "bad_host!/x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct image_ref r;
		struct vxn_err err = { 0 };
		if (ref_parse(bad[i], &r, &err) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(err.msg, "invalid reference format"));
	}
}

static void test_display_and_local(void **state)
{
	(void)state;
	struct image_ref r;
	char out[REF_MAX];

	assert_int_equal(ref_parse("busybox", &r, NULL), 0);
	assert_int_equal(ref_display_repo(&r, out, sizeof(out)), 0);
	assert_string_equal(out, "busybox");
	assert_false(ref_registry_is_local(&r));
	assert_int_equal(ref_parse("127.0.0.1:5000/x", &r, NULL), 0);
	assert_int_equal(ref_display_repo(&r, out, sizeof(out)), 0);
	assert_string_equal(out, "127.0.0.1:5000/x");
	assert_true(ref_registry_is_local(&r));
	assert_int_equal(ref_parse("localhost/x", &r, NULL), 0);
	assert_true(ref_registry_is_local(&r));
	assert_int_equal(ref_parse("example.com/x", &r, NULL), 0);
	assert_false(ref_registry_is_local(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalised),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_display_and_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
