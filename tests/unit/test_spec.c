/* spec.c: what each engine writes is accepted; what vxn cannot honour is
 * refused with an error naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "rt_fixture.h"
#include "spec.h"

static int parse_fixture(const char *name, struct vxn_spec *s, struct vxn_err *err)
{
	char path[256];
	size_t len;
	snprintf(path, sizeof path, "fixtures/%s", name);
	char *json = fixture_read(path, &len);
	assert_non_null(json);
	int r = spec_parse(json, len, s, err);
	free(json);
	return r;
}

/* A fixture spec_parse must accept. */
static void parse_accepted(const char *name, struct vxn_spec *s)
{
	struct vxn_err err = { 0 };

	if (parse_fixture(name, s, &err) != 0)
		fail_msg("%s: refused: %s", name, err.msg);
}

struct refusal {
	const char *json;
	const char *message;   /* a substring the error must contain */
};

/* Each document refused by spec_parse with its message. */
static void expect_refused(const struct refusal *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vxn_spec s;
		struct vxn_err err = { 0 };
		int r = spec_parse(cases[i].json, strlen(cases[i].json), &s, &err);
		if (r != -1 || !strstr(err.msg, cases[i].message))
			fail_msg("case %zu: got %d '%s', want '%s'", i, r, err.msg, cases[i].message);
	}
}

static void test_docker(void **state)
{
	(void)state;
	struct vxn_spec s;

	parse_accepted("docker.json", &s);
	assert_int_equal(s.nargs, 3);
	assert_string_equal(s.args[2], "echo hello; exit 3");
	assert_string_equal(s.root_path, "/var/lib/docker/vfs/dir/4f3c2b1a");
	assert_string_equal(s.hostname, "0a1b2c3d4e5f");
	assert_int_equal(s.ngids, 11);
	assert_int_equal(s.gids[10], 27);
	assert_int_equal(s.nmounts, 10);
	assert_string_equal(s.mounts[7].destination, "/etc/resolv.conf");
	assert_string_equal(s.mounts[7].options[0], "rbind");
	assert_int_equal(s.memory_limit, -1);
	assert_int_equal(s.cpu_quota, -1);
	assert_int_equal(s.umask, -1);
	assert_false(s.terminal);
	assert_null(s.annotations);
	assert_true(s.new_pid_namespace);
	/* Docker's network hook, kept to run, and a new network namespace */
	assert_true(s.docker_setkey_hook);
	assert_int_equal(s.hooks[VXN_HOOK_PRESTART].n, 1);
	assert_string_equal(s.hooks[VXN_HOOK_PRESTART].v[0].path, "/proc/1234/exe");
	assert_int_equal(s.hooks[VXN_HOOK_PRESTART].v[0].nargs, 4);
	assert_string_equal(s.hooks[VXN_HOOK_PRESTART].v[0].args[2], "0a1b2c3d4e5f");
	assert_int_equal(s.hooks[VXN_HOOK_PRESTART].v[0].timeout_s, 0);
	assert_int_equal(s.hooks[VXN_HOOK_POSTSTOP].n, 0);
	assert_int_equal(s.netns, VXN_NETNS_NEW);
	assert_null(s.netns_path);
	spec_free(&s);
}

static void test_podman(void **state)
{
	(void)state;
	struct vxn_spec s;

	parse_accepted("podman.json", &s);
	assert_true(s.terminal);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.umask, 022);
	assert_string_equal(s.cwd, "/home/app");
	assert_int_equal(s.nrlimits, 3);
	assert_int_equal(s.rlimits[0].type, RLIMIT_NOFILE);
	assert_int_equal(s.rlimits[0].soft, 1048576);
	assert_true(s.rlimits[2].hard == UINT64_MAX);
	assert_string_equal(spec_annotation(&s, "io.container.manager"), "libpod");
	assert_string_equal(spec_annotation(&s, "org.opencontainers.image.stopSignal"), "15");
	assert_null(spec_annotation(&s, "nope"));
	spec_free(&s);
}

static void test_ctr_minimal(void **state)
{
	(void)state;
	struct vxn_spec s;

	parse_accepted("ctr.json", &s);
	assert_string_equal(s.root_path, "rootfs");
	assert_null(s.hostname);
	assert_int_equal(s.nmounts, 1);
	spec_free(&s);
}

static void test_resources(void **state)
{
	(void)state;
	struct vxn_spec s;

	parse_accepted("resources.json", &s);
	assert_int_equal(s.memory_limit, 100000000);
	assert_int_equal(s.cpu_quota, 150000);
	assert_int_equal(s.cpu_period, 100000);
	assert_true(s.root_readonly);
	/* a pid namespace given by a host path is not a new one */
	assert_false(s.new_pid_namespace);
	assert_int_equal(s.ndevices, 3);
	assert_string_equal(s.devices[0].path, "/dev/fuse");
	assert_int_equal(s.devices[0].type, 'c');
	assert_int_equal(s.devices[0].major, 10);
	assert_int_equal(s.devices[0].minor, 229);
	assert_int_equal(s.devices[0].mode, 0660);
	assert_int_equal(s.devices[0].uid, 10);
	assert_int_equal(s.devices[0].gid, 20);
	assert_int_equal(s.devices[1].type, 'p');
	assert_int_equal(s.devices[1].mode, 0666);  /* runc's default */
	assert_int_equal(s.devices[2].type, 'c');   /* "u" */
	assert_int_equal(s.nsysctl, 2);
	assert_string_equal(s.sysctl[0], "net.ipv4.ip_forward=1");
	assert_string_equal(s.sysctl[1], "kernel.shmmax=68719476736");
	spec_free(&s);
}

static void test_console_size(void **state)
{
	(void)state;
	struct vxn_spec s;

	parse_accepted("annotations.json", &s);
	assert_int_equal(s.console_rows, 40);
	assert_int_equal(s.console_cols, 120);
	assert_null(s.cwd);
	spec_free(&s);
}

static const struct {
	const char *fixture;
	const char *message;   /* a substring the error must contain */
} refused[] = {
	{ "bad-not-json.json", "config.json: not valid JSON" },
	{ "bad-not-object.json", "must be a JSON object" },
	{ "bad-args-empty.json", "process.args: must not be empty" },
	{ "bad-args-missing.json", "process.args: must not be empty" },
	{ "bad-args-type.json", "process.args[1]: must be a string" },
	{ "bad-uid-type.json", "process.user.uid: must be a non-negative integer" },
	{ "bad-uid-negative.json", "process.user.uid: must be a non-negative integer" },
	{ "bad-username-only.json", "process.user.username" },
	{ "bad-rlimit-unknown.json", "process.rlimits[0].type: unknown rlimit 'RLIMIT_BOGUS'" },
	{ "bad-root-missing.json", "root.path: missing" },
	{ "bad-memory-type.json", "linux.resources.memory.limit: must be an integer" },
	{ "bad-windows.json", "windows: vxn runs Linux containers only" },
	{ "bad-mount-dest.json", "mounts[0].destination: must be an absolute path" },
};

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct vxn_spec s;
		struct vxn_err err = { 0 };
		int r = parse_fixture(refused[i].fixture, &s, &err);
		if (r != -1 || !strstr(err.msg, refused[i].message))
			fail_msg("%s: got %d '%s', want '%s'", refused[i].fixture, r, err.msg,
				 refused[i].message);
		assert_null(s.args);  /* left empty on failure */
	}
}

static void test_inline_refusals(void **state)
{
	(void)state;
	static const struct refusal cases[] = {
		{ "{\"process\":{\"args\":[\"\"]},\"root\":{\"path\":\"r\"}}", "process.args[0]: must not be empty" },
		{ "{\"process\":{\"args\":\"sh\"},\"root\":{\"path\":\"r\"}}", "process.args: must be an array" },
		{ "{\"root\":{\"path\":\"r\"}}", "process: missing" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"\"}}", "root.path: must not be empty" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":7}}", "root.path: must be a string" },
		{ "{\"process\":{\"args\":[\"sh\"],\"terminal\":\"yes\"},\"root\":{\"path\":\"r\"}}", "process.terminal: must be true or false" },
		{ "{\"process\":{\"args\":[\"sh\"],\"cwd\":\"rel\"},\"root\":{\"path\":\"r\"}}", "process.cwd: must be an absolute path" },
		{ "{\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":4294967296}},\"root\":{\"path\":\"r\"}}", "process.user.uid: must be at most" },
		{ "{\"process\":{\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]},\"root\":{\"path\":\"r\"}}", "soft limit above hard" },
		{ "{\"process\":{\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2}]},\"root\":{\"path\":\"r\"}}", "process.rlimits[0].hard: missing" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"annotations\":{\"a\":1}}", "annotations.a: must be a string" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"mounts\":[{\"type\":\"tmpfs\"}]}", "mounts[0].destination: missing" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"hooks\":{\"prestart\":{}}}", "hooks.prestart: must be an array" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"hooks\":{\"prestart\":[{}]}}", "hooks.prestart[0].path: missing" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"hooks\":{\"poststart\":[{\"path\":\"rel\"}]}}", "hooks.poststart[0].path: must be an absolute path" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}}", "hooks.poststop[0].timeout: must be positive" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"args\":[1]}]}}", "hooks.prestart[0].args" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"netns\"}]}}", "linux.namespaces[0].path: must be an absolute path" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"network\"}]}}", "a second network namespace" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"path\":\"/x\"}]}}", "linux.namespaces[0].type: missing" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"period\":-5}}}}", "linux.resources.cpu.period" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":{}}}", "linux.namespaces: must be an array" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[\"pid\"]}}", "linux.namespaces[0]: must be an object" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"path\":\"/x\"}]}}", "linux.namespaces[1].type: missing" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pids\"}]}}", "linux.namespaces[0].type: unknown namespace type 'pids'" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":5}]}}", "linux.namespaces[0].path: must be a string" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"devices\":[{\"path\":\"dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]}}", "linux.devices[0].path: must be an absolute path" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"s\"}]}}", "linux.devices[0].type: must be c, b, u or p" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"b\",\"major\":8}]}}", "linux.devices[0]: a b device needs major and minor" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":65535}]}}", "linux.devices[0].fileMode: must be at most" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{\"net/ipv4\":\"1\"}}}", "linux.sysctl.net/ipv4: not a sysctl name" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{\"a.b\":1}}}", "linux.sysctl.a.b: must be a string" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]}}", "linux.maskedPaths[1]: must be an absolute path" },
		{ "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{\"readonlyPaths\":[7]}}", "linux.readonlyPaths[0]: must be a string" },
		{ "", "not valid JSON" },
		{ "{\"process\":", "not valid JSON" },
	};
	expect_refused(cases, sizeof cases / sizeof cases[0]);
}

#define PROC_SPEC(extra) "{\"process\":{\"args\":[\"sh\"]" extra "},\"root\":{\"path\":\"r\"}}"

static void test_privileges(void **state)
{
	(void)state;
	struct vxn_spec s;
	struct vxn_err err = { 0 };
	const char *j = PROC_SPEC(",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\","
				  "\"CAP_BOGUS\",\"CAP_CHECKPOINT_RESTORE\"],\"ambient\":[\"CAP_KILL\"]},"
				  "\"noNewPrivileges\":true,\"oomScoreAdj\":-1000");

	assert_int_equal(spec_parse(j, strlen(j), &s, &err), 0);
	/* CAP_BOGUS is dropped, as runc 1.1 drops what it does not know */
	assert_true(s.caps.bounding == (1ull << 0 | 1ull << 5 | 1ull << 40));
	assert_true(s.caps.ambient == 1ull << 5);
	assert_true(s.caps.effective == 0 && s.caps.permitted == 0 && s.caps.inheritable == 0);
	assert_true(s.no_new_privileges);
	assert_true(s.oom_score_adj_set);
	assert_int_equal(s.oom_score_adj, -1000);
	spec_free(&s);

	j = PROC_SPEC("");
	assert_int_equal(spec_parse(j, strlen(j), &s, &err), 0);
	assert_true(s.caps.bounding == 0 && s.caps.effective == 0 && s.caps.ambient == 0);
	assert_false(s.no_new_privileges);
	assert_false(s.oom_score_adj_set);
	spec_free(&s);
	j = PROC_SPEC(",\"capabilities\":{},\"oomScoreAdj\":0");
	assert_int_equal(spec_parse(j, strlen(j), &s, &err), 0);
	assert_true(s.caps.bounding == 0);
	assert_true(s.oom_score_adj_set);
	spec_free(&s);
}

static void test_privileges_refused(void **state)
{
	(void)state;
	static const struct refusal cases[] = {
		{ PROC_SPEC(",\"capabilities\":[]"), "process.capabilities: must be an object" },
		{ PROC_SPEC(",\"capabilities\":{\"effective\":\"CAP_KILL\"}"), "process.capabilities.effective: must be an array" },
		{ PROC_SPEC(",\"capabilities\":{\"ambient\":[5]}"), "process.capabilities.ambient[0]: must be a string" },
		{ PROC_SPEC(",\"noNewPrivileges\":1"), "process.noNewPrivileges: must be true or false" },
		{ PROC_SPEC(",\"oomScoreAdj\":1001"), "process.oomScoreAdj: must be from -1000 to 1000" },
		{ PROC_SPEC(",\"oomScoreAdj\":-1001"), "process.oomScoreAdj: must be from -1000 to 1000" },
		{ PROC_SPEC(",\"oomScoreAdj\":\"5\""), "process.oomScoreAdj: must be an integer" },
	};
	expect_refused(cases, sizeof cases / sizeof cases[0]);
}

static void test_hooks_and_netns(void **state)
{
	(void)state;
	static const char json[] = "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},"
		"\"hooks\":{\"createRuntime\":[{\"path\":\"/bin/a\"},"
		"{\"path\":\"/bin/b\",\"args\":[\"b\",\"x\"],\"env\":[\"K=V\"],\"timeout\":5}],"
		"\"poststop\":[{\"path\":\"/bin/c\"}]},"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
		"{\"type\":\"network\",\"path\":\"/run/netns/cni-1\"}]}}";
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	assert_int_equal(spec_parse(json, strlen(json), &s, &err), 0);
	const struct vxn_hook_list *cr = &s.hooks[VXN_HOOK_CREATE_RUNTIME];
	assert_int_equal(cr->n, 2);
	assert_string_equal(cr->v[0].path, "/bin/a");
	assert_null(cr->v[0].args);
	assert_int_equal(cr->v[1].nargs, 2);
	assert_string_equal(cr->v[1].env[0], "K=V");
	assert_int_equal(cr->v[1].timeout_s, 5);
	assert_int_equal(s.hooks[VXN_HOOK_POSTSTOP].n, 1);
	assert_false(s.docker_setkey_hook);
	assert_int_equal(s.netns, VXN_NETNS_PATH);
	assert_string_equal(s.netns_path, "/run/netns/cni-1");
	spec_free(&s);
}

static void test_no_netns_is_the_hosts(void **state)
{
	(void)state;
	static const char json[] = "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}";
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	assert_int_equal(spec_parse(json, strlen(json), &s, &err), 0);
	assert_int_equal(s.netns, VXN_NETNS_HOST);
	spec_free(&s);
}

static void test_nul_and_huge(void **state)
{
	(void)state;
	struct vxn_spec s;
	struct vxn_err err = { 0 };
	const char nul[] = "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\0x\"}}";
	assert_int_equal(spec_parse(nul, sizeof nul - 1, &s, &err), -1);
	assert_non_null(strstr(err.msg, "NUL"));

	size_t big = (4u << 20) + 1;
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, ' ', big);
	huge[0] = '{';
	huge[big - 1] = '}';
	assert_int_equal(spec_parse(huge, big, &s, &err), -1);
	assert_non_null(strstr(err.msg, "larger than"));
	free(huge);
}

static void test_deeply_nested(void **state)
{
	(void)state;
	/* yajl_tree recurses on free: a bounded document keeps it bounded */
	size_t depth = 1000000;
	char *json = malloc(depth * 2 + 1);
	assert_non_null(json);
	memset(json, '[', depth);
	memset(json + depth, ']', depth);
	json[depth * 2] = '\0';
	struct vxn_spec s;
	struct vxn_err err = { 0 };
	assert_int_equal(spec_parse(json, depth * 2, &s, &err), -1);
	assert_non_null(strstr(err.msg, "nested deeper"));
	free(json);
}

static void test_load(void **state)
{
	(void)state;
	struct vxn_spec s;
	struct vxn_err err = { 0 };
	assert_int_equal(spec_load("fixtures/no-such-bundle", &s, &err), -1);
	assert_string_equal(err.msg, "fixtures/no-such-bundle/config.json: No such file or directory");
	assert_int_equal(spec_load("fixtures", &s, &err), -1); /* no config.json there */
	assert_non_null(strstr(err.msg, "config.json"));
}

/* exec --process FILE: the process object alone, as containerd writes it. */
static void test_process_alone(void **state)
{
	(void)state;
	static const char ok[] =
		"{\"terminal\":true,\"consoleSize\":{\"height\":30,\"width\":100},"
		"\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[5]},"
		"\"args\":[\"sh\",\"-c\",\"exit 4\"],\"env\":[\"PATH=/bin\",\"A=b\"],\"cwd\":\"/tmp\","
		"\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},\"noNewPrivileges\":true}";
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	assert_int_equal(spec_parse_process(ok, sizeof ok - 1, &s, &err), 0);
	assert_true(s.terminal);
	assert_int_equal(s.console_rows, 30);
	assert_int_equal(s.console_cols, 100);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.ngids, 1);
	assert_int_equal(s.nargs, 3);
	assert_string_equal(s.args[2], "exit 4");
	assert_string_equal(s.cwd, "/tmp");
	assert_null(s.root_path);
	spec_free(&s);

	static const char *bad[] = {
		"{\"args\":[]}", "{\"cwd\":\"/\"}", "[\"sh\"]", "{\"args\":[\"sh\"],\"cwd\":\"rel\"}",
		"{\"args\":[\"sh\"],\"user\":{\"username\":\"x\"}}", "{\"args\":[\"sh\"]", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (spec_parse_process(bad[i], strlen(bad[i]), &s, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_null(s.args);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),          cmocka_unit_test(test_podman),
		cmocka_unit_test(test_ctr_minimal),     cmocka_unit_test(test_resources),
		cmocka_unit_test(test_console_size),    cmocka_unit_test(test_refused),
		cmocka_unit_test(test_inline_refusals),
		cmocka_unit_test(test_privileges),
		cmocka_unit_test(test_privileges_refused), cmocka_unit_test(test_nul_and_huge),
		cmocka_unit_test(test_deeply_nested),   cmocka_unit_test(test_load),
		cmocka_unit_test(test_process_alone),
		cmocka_unit_test(test_hooks_and_netns), cmocka_unit_test(test_no_netns_is_the_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
