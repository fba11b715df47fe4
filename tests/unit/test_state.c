/* state.c: round trip, runc's state JSON, and damaged state files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "rt_fixture.h"
#include "state.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "%s/vxn-test-state-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char path[4200];
	snprintf(path, sizeof path, "%s/state.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/state.json.tmp", dir);
	unlink(path);
	return rmdir(dir);
}

static void write_state_file(const char *text)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/state.json", dir);
	assert_int_equal(fixture_write(path, text), 0);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct vxn_annotation ann[] = { { "io.container.manager", "libpod" }, { "k\"q", "v\n" } };
	struct vxn_state st = {
		.id = "c1", .bundle = "/b", .rootfs = "/b/rootfs",
		.created = "2026-11-23T02:05:01.645753278Z", .owner = "",
		.annotations = ann, .nannotations = 2, .monitor_pid = 4242,
		.monitor_start = 18446744073709551615ull, .domain_name = "vxn-c1", .domid = 7,
	};
	struct vxn_err err = { 0 };
	assert_int_equal(state_write(dir, &st, &err), 0);

	char path[4200];
	struct stat sb;
	snprintf(path, sizeof path, "%s/state.json", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	struct vxn_state back;
	assert_int_equal(state_read(dir, &back, &err), 0);
	assert_string_equal(back.id, "c1");
	assert_string_equal(back.bundle, "/b");
	assert_string_equal(back.rootfs, "/b/rootfs");
	assert_string_equal(back.created, st.created);
	assert_string_equal(back.owner, "");
	assert_int_equal(back.nannotations, 2);
	assert_string_equal(back.annotations[1].key, "k\"q");
	assert_string_equal(back.annotations[1].value, "v\n");
	assert_int_equal(back.monitor_pid, 4242);
	assert_true(back.monitor_start == st.monitor_start);
	assert_string_equal(back.domain_name, "vxn-c1");
	assert_int_equal(back.domid, 7);
	state_free(&back);
}

static void test_oci_json(void **state)
{
	(void)state;
	struct vxn_annotation ann[] = { { "a", "b" } };
	struct vxn_state st = { .id = "c1", .bundle = "/b", .rootfs = "/b/rootfs",
				.created = "2026-11-23T02:05:01Z", .owner = "",
				.annotations = ann, .nannotations = 1 };
	char *json = state_to_oci_json(&st, "created", 99);
	assert_non_null(json);
	char why[128];
	yajl_val doc = yajl_tree_parse(json, why, sizeof why);
	assert_non_null(doc);
	const char *p_ver[] = { "ociVersion", NULL }, *p_pid[] = { "pid", NULL },
		   *p_status[] = { "status", NULL }, *p_ann[] = { "annotations", "a", NULL };
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, p_ver, yajl_t_string)), "1.0.2");
	assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(doc, p_pid, yajl_t_number)), 99);
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, p_status, yajl_t_string)), "created");
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, p_ann, yajl_t_string)), "b");
	yajl_tree_free(doc);
	free(json);

	st.nannotations = 0;
	json = state_to_oci_json(&st, "stopped", 0);
	assert_non_null(strstr(json, "\"pid\": 0"));
	assert_null(strstr(json, "annotations"));  /* omitted when empty, like runc */
	free(json);
}

static void test_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "", "not valid JSON" },
		{ "{", "not valid JSON" },
		{ "[]", "must be a JSON object" },
		{ "{\"bundle\":\"/b\",\"monitor_pid\":1}", "id: missing" },
		{ "{\"id\":\"c\",\"monitor_pid\":1}", "bundle: missing" },
		{ "{\"id\":\"c\",\"bundle\":\"/b\"}", "monitor_pid: missing" },
		{ "{\"id\":7,\"bundle\":\"/b\",\"monitor_pid\":1}", "id: must be a string" },
		{ "{\"id\":\"c\",\"bundle\":\"/b\",\"monitor_pid\":-1}", "monitor_pid" },
		{ "{\"id\":\"c\",\"bundle\":\"/b\",\"monitor_pid\":4294967296}", "monitor_pid" },
		{ "{\"id\":\"c\",\"bundle\":\"/b\",\"monitor_pid\":1,\"domid\":\"1\"}", "domid" },
		{ "{\"id\":\"c\",\"bundle\":\"/b\",\"monitor_pid\":1,\"annotations\":{\"a\":[]}}", "annotations" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct vxn_state st;
		struct vxn_err err = { 0 };
		write_state_file(cases[i].text);
		int r = state_read(dir, &st, &err);
		if (r != -1 || !strstr(err.msg, cases[i].message))
			fail_msg("case %zu: got %d '%s', want '%s'", i, r, err.msg, cases[i].message);
		assert_null(st.id);
	}
}

static void test_missing_and_huge(void **state)
{
	(void)state;
	struct vxn_state st;
	struct vxn_err err = { 0 };
	char path[4200];
	snprintf(path, sizeof path, "%s/state.json", dir);
	unlink(path);
	assert_int_equal(state_read(dir, &st, &err), -1);
	assert_non_null(strstr(err.msg, "No such file or directory"));

	size_t big = (1u << 20) + 10;
	char *huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, ' ', big);
	huge[big] = '\0';
	write_state_file(huge);
	free(huge);
	assert_int_equal(state_read(dir, &st, &err), -1);
	assert_non_null(strstr(err.msg, "larger than"));

	/* a symlink in place of the file is not followed */
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(state_read(dir, &st, &err), -1);
	unlink(path);
}

static void test_proc_start_time(void **state)
{
	(void)state;
	assert_true(proc_start_time(getpid()) > 0);
	assert_true(proc_start_time(1) > 0 || access("/proc/1/stat", R_OK) != 0);
	assert_true(proc_start_time(0) == 0);
	assert_true(proc_start_time(-5) == 0);
	assert_true(proc_start_time(0x3fffffff) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_oci_json),
		cmocka_unit_test(test_hostile),         cmocka_unit_test(test_missing_and_huge),
		cmocka_unit_test(test_proc_start_time),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
