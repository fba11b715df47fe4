/* vdkr/runspec.c and bundle_config.c: image config -> the container's
 * process, docker's rules; config.json edited, the rest kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bundle_config.h"
#include "plan.h"
#include "jsonv.h"
#include "runspec.h"

static const char image_cfg[] =
	"{\"created\":\"2026-01-01T00:00:00Z\",\"config\":{\"Entrypoint\":[\"/ep\",\"-a\"],"
	"\"Cmd\":[\"c1\",\"c2\"],\"StopSignal\":\"SIGQUIT\",\"Env\":[\"PATH=/bin\"]}}";

static char *joined(char **v, size_t n)
{
	static char buf[256];
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "", v[i]);
	return buf;
}

static void args_are(const struct image_config *c, struct run_opts *o, const char *want)
{
	char **v;
	size_t n;
	struct vxn_err err = { 0 };

	if (run_args(c, o, &v, &n, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(joined(v, n), want);
	assert_null(v[n]);
	jv_strv_free(v, n);
}

static void test_args(void **state)
{
	(void)state;
	struct image_config c;
	struct vxn_err err = { 0 };
	char *args[] = { "x", "y" };

	assert_int_equal(image_config_parse(image_cfg, strlen(image_cfg), &c, &err), 0);
	assert_string_equal(c.stop_signal, "SIGQUIT");
	assert_string_equal(c.created, "2026-01-01T00:00:00Z");
	struct run_opts o = { 0 };
	args_are(&c, &o, "/ep -a c1 c2");
	o.args = args;
	o.nargs = 2;
	args_are(&c, &o, "/ep -a x y");              /* args replace Cmd */
	o.has_entrypoint = true;
	o.entrypoint = "/other";
	args_are(&c, &o, "/other x y");              /* --entrypoint replaces Entrypoint */
	o.nargs = 0;
	args_are(&c, &o, "/other");                  /* ... and drops the image's Cmd */
	o.entrypoint = "";
	char **v;
	size_t n;
	assert_int_equal(run_args(&c, &o, &v, &n, &err), -1);
	assert_non_null(strstr(err.msg, "no command specified"));
	image_config_free(&c);
	assert_int_equal(image_config_parse("{\"config\":{\"Cmd\":\"sh\"}}", 24, &c, &err), -1);
	assert_int_equal(image_config_parse("[]", 2, &c, &err), -1);
}

static const char *fake_env(const char *k)
{
	return strcmp(k, "HOSTVAR") ? NULL : "fromhost";
}

static void test_env(void **state)
{
	(void)state;
	struct env_list e = { 0 };
	struct vxn_err err = { 0 };
	const char file[] = "# comment\n\n  A=file\nHOSTVAR\nUNSET\r\nB=x=y\n";

	assert_int_equal(env_set(&e, "PATH=/bin", fake_env, &err), 0);
	assert_int_equal(env_set(&e, "A=1", fake_env, &err), 0);
	assert_int_equal(env_file_apply(&e, file, strlen(file), "f", fake_env, &err), 0);
	assert_int_equal(env_set(&e, "PATH=/usr/bin", fake_env, &err), 0);
	assert_string_equal(joined(e.v, e.n), "PATH=/usr/bin A=file HOSTVAR=fromhost B=x=y");
	assert_int_equal(env_set(&e, "A B=1", fake_env, &err), -1);
	assert_int_equal(env_set(&e, "=1", fake_env, &err), -1);
	assert_int_equal(env_file_apply(&e, "ok=1\nbad name=2\n", 17, "f", fake_env, &err), -1);
	assert_non_null(strstr(err.msg, "f:2"));
	env_list_free(&e);
}

static void test_user(void **state)
{
	(void)state;
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1001:u:/home:/bin/sh\n";
	const char *group = "root:x:0:\nstaff:x:50:\n";
	uint32_t uid, gid;
	struct vxn_err err = { 0 };

	assert_int_equal(user_resolve("user", passwd, group, &uid, &gid, &err), 0);
	assert_true(uid == 1000 && gid == 1001);
	assert_int_equal(user_resolve("1000", passwd, group, &uid, &gid, &err), 0);
	assert_true(uid == 1000 && gid == 1001);
	assert_int_equal(user_resolve("42", passwd, group, &uid, &gid, &err), 0);
	assert_true(uid == 42 && gid == 0);
	assert_int_equal(user_resolve("user:staff", passwd, group, &uid, &gid, &err), 0);
	assert_true(uid == 1000 && gid == 50);
	assert_int_equal(user_resolve("5:7", NULL, NULL, &uid, &gid, &err), 0);
	assert_true(uid == 5 && gid == 7);
	assert_int_equal(user_resolve("nobody", passwd, group, &uid, &gid, &err), -1);
	assert_non_null(strstr(err.msg, "unable to find user nobody"));
	assert_int_equal(user_resolve("user:nogroup", passwd, group, &uid, &gid, &err), -1);
	assert_int_equal(user_resolve("use", passwd, group, &uid, &gid, &err), -1);
	assert_int_equal(user_resolve("", passwd, group, &uid, &gid, &err), -1);
}

static const char config_json[] =
	"{\"ociVersion\":\"1.0.0\",\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},"
	"\"args\":[\"/bin/sh\"],\"env\":[\"PATH=/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
	"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}]},"
	"\"root\":{\"path\":\"rootfs\"},\"hostname\":\"umoci-default\","
	"\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}},"
	"\"annotations\":{\"k\":\"v\"}}";

static void test_bundle_config(void **state)
{
	(void)state;
	char *args[] = { "echo", "hi" }, *env[] = { "PATH=/bin", "A=b" };
	struct bundle_edit e = { .args = args, .nargs = 2, .env = env, .nenv = 2, .cwd = "/tmp",
				 .root_path = "/store/unpacked/x/rootfs", .terminal = true,
				 .rows = 30, .cols = 100,
				 .set_user = true, .uid = 1000, .gid = 100, .hostname = "h1",
				 .memory_bytes = 128ull << 20, .cpu_quota = 150000, .cpu_period = 100000 };
	struct vxn_err err = { 0 };
	char *out, **got;
	size_t n;

	assert_int_equal(bundle_config_edit(config_json, strlen(config_json), &e, &out, &err), 0);
	yajl_val root = jv_parse(out, strlen(out), 1 << 20, "out", &err);
	assert_non_null(root);
	yajl_val p = jv_get(root, "process");
	assert_true(YAJL_IS_TRUE(jv_get(p, "terminal")));
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(p, "consoleSize"), "height")), 30);
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(p, "consoleSize"), "width")), 100);
	assert_string_equal(YAJL_GET_STRING(jv_get(jv_get(root, "root"), "path")),
			    "/store/unpacked/x/rootfs");
	assert_string_equal(YAJL_GET_STRING(jv_get(p, "cwd")), "/tmp");
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(p, "user"), "uid")), 1000);
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(p, "user"), "gid")), 100);
	assert_int_equal(jv_strings(jv_get(p, "args"), "args", &got, &n, &err), 0);
	assert_string_equal(joined(got, n), "echo hi");
	jv_strv_free(got, n);
	assert_string_equal(YAJL_GET_STRING(jv_get(root, "hostname")), "h1");
	yajl_val res = jv_get(jv_get(root, "linux"), "resources");
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(res, "memory"), "limit")), 128 << 20);
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(res, "cpu"), "quota")), 150000);
	assert_int_equal(YAJL_GET_INTEGER(jv_get(jv_get(res, "cpu"), "period")), 100000);
	/* what vdkr does not touch stays */
	assert_non_null(jv_get(res, "devices"));
	assert_non_null(jv_get(p, "rlimits"));
	assert_string_equal(YAJL_GET_STRING(jv_get(jv_get(root, "annotations"), "k")), "v");
	/* the image's rootfs is shared by its containers: each writes to a disk */
	assert_string_equal(YAJL_GET_STRING(jv_get(jv_get(root, "annotations"), ANN_ROOTFS)),
			    "disk");
	yajl_tree_free(root);
	assert_int_equal(bundle_config_env(out, strlen(out), &got, &n, &err), 0);
	assert_string_equal(joined(got, n), "PATH=/bin A=b");
	jv_strv_free(got, n);
	free(out);
	assert_int_equal(bundle_config_edit("[1]", 3, &e, &out, &err), -1);
	assert_int_equal(bundle_config_edit("{", 1, &e, &out, &err), -1);
}

/* The bridge's namespace path: umoci's network entry gets it, the others
 * stay; a config without one gets one. */
static void test_bundle_netns(void **state)
{
	(void)state;
	static const char with[] = "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":["
		"{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"mount\"}]}}";
	static const char without[] = "{\"process\":{\"args\":[\"sh\"]}}";
	const char *cases[] = { with, without };
	char *args[] = { "sh" };
	struct bundle_edit e = { .args = args, .nargs = 1, .netns_path = "/store/c/ID/netns" };
	struct vxn_err err = { 0 };

	for (size_t k = 0; k < 2; k++) {
		char *out;
		assert_int_equal(bundle_config_edit(cases[k], strlen(cases[k]), &e, &out, &err), 0);
		yajl_val root = jv_parse(out, strlen(out), 1 << 20, "out", &err);
		free(out);
		yajl_val nss = jv_get(jv_get(root, "linux"), "namespaces");
		assert_true(YAJL_IS_ARRAY(nss));
		assert_int_equal(nss->u.array.len, k == 0 ? 3 : 1);
		size_t found = 0;
		for (size_t i = 0; i < nss->u.array.len; i++) {
			yajl_val ns = nss->u.array.values[i];
			yajl_val type = jv_get(ns, "type");
			assert_true(YAJL_IS_STRING(type));
			if (strcmp(type->u.string, "network") == 0) {
				assert_string_equal(YAJL_GET_STRING(jv_get(ns, "path")),
						    "/store/c/ID/netns");
				found++;
			} else {
				assert_null(jv_get(ns, "path"));
			}
		}
		assert_int_equal(found, 1);
		yajl_tree_free(root);
	}
}

static const char config_mounts[] =
	"{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"resources\":{}},\"mounts\":["
	"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\"},"
	"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}]}";

/* mounts[i] as "DEST TYPE SOURCE OPT,OPT" */
static const char *mount_at(yajl_val mounts, size_t i)
{
	static char buf[256];
	yajl_val m = mounts->u.array.values[i];
	char **opts = NULL;
	size_t n = 0;
	struct vxn_err err;

	assert_int_equal(jv_strings(jv_get(m, "options"), "options", &opts, &n, &err), 0);
	snprintf(buf, sizeof(buf), "%s %s %s ", YAJL_GET_STRING(jv_get(m, "destination")),
		 YAJL_GET_STRING(jv_get(m, "type")), YAJL_GET_STRING(jv_get(m, "source")));
	for (size_t k = 0; k < n; k++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k ? "," : "", opts[k]);
	jv_strv_free(opts, n);
	return buf;
}

/* json edited by e: its mounts, *root to free */
static yajl_val mounts_after(const char *json, const struct bundle_edit *e, yajl_val *root)
{
	struct vxn_err err = { 0 };
	char *out;

	if (bundle_config_edit(json, strlen(json), e, &out, &err))
		fail_msg("%s", err.msg);
	*root = jv_parse(out, strlen(out), 1 << 20, "out", &err);
	free(out);
	assert_non_null(*root);
	return jv_get(*root, "mounts");
}

static yajl_val edited_mounts(const char *json, const struct run_volume *vols, size_t nvols,
			      yajl_val *root)
{
	char *args[] = { "sh" };
	struct bundle_edit e = { .args = args, .nargs = 1, .volumes = vols, .nvolumes = nvols };

	return mounts_after(json, &e, root);
}

static void test_bundle_mounts(void **state)
{
	(void)state;
	struct run_volume vols[] = {
		{ .source = "/srv/data", .destination = "/data" },
		{ .source = "/etc/x.conf", .destination = "/x.conf", .readonly = true },
		{ .source = "/big", .destination = "/dev/shm" },
	};
	yajl_val root, mounts = edited_mounts(config_mounts, vols, 3, &root);

	/* umoci's kept in order, the one at /dev/shm replaced, the binds after */
	assert_true(YAJL_IS_ARRAY(mounts));
	assert_int_equal(mounts->u.array.len, 5);
	assert_string_equal(YAJL_GET_STRING(jv_get(mounts->u.array.values[0], "destination")),
			    "/proc");
	assert_string_equal(YAJL_GET_STRING(jv_get(mounts->u.array.values[1], "destination")),
			    "/sys");
	assert_string_equal(mount_at(mounts, 2), "/data bind /srv/data rbind,rw");
	assert_string_equal(mount_at(mounts, 3), "/x.conf bind /etc/x.conf rbind,ro");
	assert_string_equal(mount_at(mounts, 4), "/dev/shm bind /big rbind,rw");
	yajl_tree_free(root);

	/* a config.json without mounts gets the array; without volumes it is left alone */
	mounts = edited_mounts(config_json, vols, 1, &root);
	assert_int_equal(mounts->u.array.len, 1);
	assert_string_equal(mount_at(mounts, 0), "/data bind /srv/data rbind,rw");
	yajl_tree_free(root);
	assert_null(edited_mounts(config_json, NULL, 0, &root));
	yajl_tree_free(root);
	mounts = edited_mounts(config_mounts, NULL, 0, &root);
	assert_int_equal(mounts->u.array.len, 3);
	yajl_tree_free(root);
}

/* docker's /etc files go in first; a volume at one of their paths wins. */
static void test_bundle_files(void **state)
{
	(void)state;
	struct run_volume files[] = {
		{ .source = "/c/hosts", .destination = "/etc/hosts" },
		{ .source = "/c/resolv.conf", .destination = "/etc/resolv.conf" },
	};
	struct run_volume vols[] = { { .source = "/mine", .destination = "/etc/hosts",
				       .readonly = true } };
	char *args[] = { "sh" };
	struct bundle_edit e = { .args = args, .nargs = 1, .files = files, .nfiles = 2 };
	yajl_val root, mounts = mounts_after(config_mounts, &e, &root);

	assert_int_equal(mounts->u.array.len, 5);
	assert_string_equal(mount_at(mounts, 3), "/etc/hosts bind /c/hosts rbind,rw");
	assert_string_equal(mount_at(mounts, 4), "/etc/resolv.conf bind /c/resolv.conf rbind,rw");
	yajl_tree_free(root);
	e.volumes = vols;
	e.nvolumes = 1;
	mounts = mounts_after(config_mounts, &e, &root);
	assert_int_equal(mounts->u.array.len, 5);
	assert_string_equal(mount_at(mounts, 3), "/etc/resolv.conf bind /c/resolv.conf rbind,rw");
	assert_string_equal(mount_at(mounts, 4), "/etc/hosts bind /mine rbind,ro");
	yajl_tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_bundle_config),
		cmocka_unit_test(test_bundle_mounts),
		cmocka_unit_test(test_bundle_netns),
		cmocka_unit_test(test_bundle_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
