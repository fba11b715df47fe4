/* hooks.c: the state JSON, and hooks run like runc's (argv, env, state on
 * stdin, exit status, timeout, the first failure stops the rest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hooks.h"
#include "jsonv.h"

static const struct vxn_annotation ann[] = { { "k", "v\"q" } };
static const struct hook_state st = { "1.0.2", "c1", "creating", 4242, "/b", ann, 1 };

static void test_state_json(void **state)
{
	(void)state;
	char *json = hook_state_json(&st);
	struct vxn_err err;

	assert_non_null(json);
	yajl_val doc = jv_parse(json, strlen(json), 4096, "state", &err);
	assert_non_null(doc);
	assert_string_equal(jv_get(doc, "id")->u.string, "c1");
	assert_string_equal(jv_get(doc, "status")->u.string, "creating");
	assert_int_equal(YAJL_GET_INTEGER(jv_get(doc, "pid")), 4242);
	assert_string_equal(jv_get(jv_get(doc, "annotations"), "k")->u.string, "v\"q");
	yajl_tree_free(doc);
	free(json);
	struct hook_state stopped = st;
	stopped.pid = 0;  /* poststop: no pid */
	json = hook_state_json(&stopped);
	assert_null(strstr(json, "\"pid\""));
	free(json);
}

/* A spec whose prestart hooks are /bin/sh -c SCRIPT... */
static void spec_with(struct vxn_spec *s, const char *const *scripts, size_t n, unsigned timeout)
{
	memset(s, 0, sizeof *s);
	s->hooks[VXN_HOOK_PRESTART].v = calloc(n, sizeof(struct vxn_hook));
	s->hooks[VXN_HOOK_PRESTART].n = n;
	for (size_t i = 0; i < n; i++) {
		struct vxn_hook *h = &s->hooks[VXN_HOOK_PRESTART].v[i];
		h->path = strdup("/bin/sh");
		h->nargs = 3;
		h->args = calloc(4, sizeof(char *));
		h->args[0] = strdup("sh");
		h->args[1] = strdup("-c");
		h->args[2] = strdup(scripts[i]);
		h->nenv = 1;
		h->env = calloc(2, sizeof(char *));
		h->env[0] = strdup("HOOKVAR=x1");
		h->timeout_s = timeout;
	}
}

static void test_runs_with_state_and_env(void **state)
{
	(void)state;
	char path[] = "/tmp/vxn-hook-XXXXXX", script[256];
	int fd = mkstemp(path);
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	assert_true(fd >= 0);
	close(fd);
	snprintf(script, sizeof script, "{ echo \"$HOOKVAR\"; cat; } > %s", path);
	const char *const scripts[] = { script };
	spec_with(&s, scripts, 1, 0);
	assert_int_equal(hooks_run(&s, VXN_HOOK_PRESTART, &st, &err), 0);
	assert_int_equal(hooks_run(&s, VXN_HOOK_POSTSTOP, &st, &err), 0);  /* none: fine */
	char buf[512] = { 0 };
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof buf - 1, f) > 0);
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf, "x1\n{\"ociVersion\":\"1.0.2\",\"id\":\"c1\""));
	spec_free(&s);
}

static void test_failure_stops_the_rest(void **state)
{
	(void)state;
	const char *const scripts[] = { "echo first; echo 'no such network' >&2; exit 3",
					"touch /tmp/vxn-hook-must-not-run" };
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	unlink("/tmp/vxn-hook-must-not-run");
	spec_with(&s, scripts, 2, 0);
	assert_int_equal(hooks_run(&s, VXN_HOOK_PRESTART, &st, &err), -1);
	assert_non_null(strstr(err.msg, "prestart hook /bin/sh failed (exit status 3): no such network"));
	assert_int_equal(access("/tmp/vxn-hook-must-not-run", F_OK), -1);
	spec_free(&s);
}

static void test_timeout(void **state)
{
	(void)state;
	const char *const scripts[] = { "exec sleep 30" };
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	spec_with(&s, scripts, 1, 1);
	assert_int_equal(hooks_run(&s, VXN_HOOK_PRESTART, &st, &err), -1);
	assert_non_null(strstr(err.msg, "prestart hook /bin/sh: timed out after 1 s"));
	spec_free(&s);
}

static void test_missing_executable(void **state)
{
	(void)state;
	struct vxn_spec s;
	struct vxn_err err = { 0 };

	spec_with(&s, (const char *const[]){ "true" }, 1, 0);
	free(s.hooks[VXN_HOOK_PRESTART].v[0].path);
	s.hooks[VXN_HOOK_PRESTART].v[0].path = strdup("/nonexistent/hook");
	assert_int_equal(hooks_run(&s, VXN_HOOK_PRESTART, &st, &err), -1);
	assert_non_null(strstr(err.msg, "prestart hook /nonexistent/hook failed (exit status 127)"));
	spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_json),
		cmocka_unit_test(test_runs_with_state_and_env),
		cmocka_unit_test(test_failure_stops_the_rest),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_missing_executable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
