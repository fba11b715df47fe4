/* engine_net.c: the Docker network modes a guest cannot join (the
 * mode read from hostconfig.json next to the bound hosts file): container:X
 * is refused; none, bridge, user networks, unknown modes and specs without
 * Docker's hook pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine_net.h"
#include "rt_fixture.h"
#include "spec.h"

struct env {
	char dir[64];
	struct vxn_spec spec;
};

/* docker.json with its /etc/hosts source moved into a fresh temp dir. */
static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	struct vxn_err err = { 0 };
	size_t len;
	assert_non_null(e);
	strcpy(e->dir, "/tmp/vxn-engine-net.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	char *json = fixture_read("fixtures/docker.json", &len);
	assert_non_null(json);
	assert_int_equal(spec_parse(json, len, &e->spec, &err), 0);
	free(json);
	for (size_t i = 0; i < e->spec.nmounts; i++) {
		if (strcmp(e->spec.mounts[i].destination, "/etc/hosts") != 0)
			continue;
		free(e->spec.mounts[i].source);
		assert_true(asprintf(&e->spec.mounts[i].source, "%s/hosts", e->dir) > 0);
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char path[128];
	snprintf(path, sizeof path, "%s/hostconfig.json", e->dir);
	unlink(path);
	rmdir(e->dir);
	spec_free(&e->spec);
	free(e);
	return 0;
}

static void write_hostconfig(const struct env *e, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/hostconfig.json", e->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_hook_seen(void **state)
{
	struct env *e = *state;
	assert_true(e->spec.docker_setkey_hook);
}

static void test_bridge_passes(void **state)
{
	struct env *e = *state;
	struct vxn_err err = { 0 };
	write_hostconfig(e, "{\"NetworkMode\":\"bridge\",\"Privileged\":false}");
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
	write_hostconfig(e, "{\"NetworkMode\":\"default\"}");
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
}

static void test_user_network_passes(void **state)
{
	struct env *e = *state;
	struct vxn_err err = { 0 };
	write_hostconfig(e, "{\"NetworkMode\":\"mynet\"}");
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
}

static void test_container_mode_refused(void **state)
{
	struct env *e = *state;
	struct vxn_err err = { 0 };
	write_hostconfig(e, "{\"NetworkMode\":\"container:0a1b2c3d\"}");
	assert_int_equal(engine_net_check(&e->spec, &err), -1);
	assert_non_null(strstr(err.msg, "'container:'"));
	assert_non_null(strstr(err.msg, "cannot share another container's"));
}

static void test_none_passes(void **state)
{
	struct env *e = *state;
	struct vxn_err err = { 0 };
	write_hostconfig(e, "{\"NetworkMode\":\"none\"}");
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
}

static void test_unknown_passes(void **state)
{
	struct env *e = *state;
	struct vxn_err err = { 0 };
	/* no hostconfig.json, then one that is not JSON, then no NetworkMode */
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
	write_hostconfig(e, "not json");
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
	write_hostconfig(e, "{\"NetworkMode\":7}");
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
}

static void test_no_hook_passes(void **state)
{
	struct env *e = *state;
	struct vxn_err err = { 0 };
	write_hostconfig(e, "{\"NetworkMode\":\"bridge\"}");
	e->spec.docker_setkey_hook = false;
	assert_int_equal(engine_net_check(&e->spec, &err), 0);
}

static void test_other_engines_have_no_hook(void **state)
{
	(void)state;
	static const char *const names[] = { "fixtures/ctr.json", "fixtures/podman.json" };
	for (size_t i = 0; i < 2; i++) {
		struct vxn_spec s;
		struct vxn_err err = { 0 };
		size_t len;
		char *json = fixture_read(names[i], &len);
		assert_non_null(json);
		assert_int_equal(spec_parse(json, len, &s, &err), 0);
		free(json);
		assert_false(s.docker_setkey_hook);
		spec_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hook_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_network_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_container_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_hook_passes, setup, teardown),
		cmocka_unit_test(test_other_engines_have_no_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
