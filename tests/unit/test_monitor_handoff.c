/* monitor_handoff: the record create's child hands to vxn-monitor across
 * exec. vxn-monitor acts on its fds and paths, so a record that is short,
 * from another build, unterminated or naming stdio as its fds is refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor_handoff.h"
#include "vxn-proto.h"

static struct monitor_handoff *good(void)
{
	static struct monitor_handoff h;
	struct vxn_err err;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MONITOR_HANDOFF_MAGIC, sizeof(MONITOR_HANDOFF_MAGIC));
	h.size = sizeof(h);
	h.domid = 7;
	h.ready_fd = 3;
	h.lock_fd = 4;
	h.loop_fd = 5;
	assert_int_equal(handoff_set(h.id, sizeof(h.id), "c1", "id", &err), 0);
	assert_int_equal(handoff_set(h.domain_name, sizeof(h.domain_name), "vxn-c1", "name", &err), 0);
	assert_int_equal(handoff_set(h.state_dir, sizeof(h.state_dir), "/run/vxn/c1", "dir", &err), 0);
	assert_int_equal(handoff_set(h.vxn_path, sizeof(h.vxn_path), "/usr/bin/vxn", "vxn", &err), 0);
	return &h;
}

/* Writes h (and launch) as monitor_start does, reads it as vxn-monitor does. */
static int round_trip(const struct monitor_handoff *h, const uint8_t *launch,
		      struct monitor_handoff *out, uint8_t **launch_out, struct vxn_err *err)
{
	int fd = handoff_to_memfd(h, launch, err);

	assert_true(fd >= 0);
	int r = handoff_read(fd, out, launch_out, err);
	close(fd);
	return r;
}

static void record_and_launch_data_come_through(void **state)
{
	struct monitor_handoff *h = good(), out;
	uint8_t launch[3000], *got = NULL;
	struct vxn_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(launch); i++)
		launch[i] = (uint8_t)(i * 7);
	h->launch_len = sizeof(launch);
	h->pooled = 1;
	assert_int_equal(round_trip(h, launch, &out, &got, &err), 0);
	assert_int_equal(out.domid, 7);
	assert_int_equal(out.pooled, 1);
	assert_string_equal(out.domain_name, "vxn-c1");
	assert_string_equal(out.pid_file, "");
	assert_non_null(got);
	assert_memory_equal(got, launch, sizeof(launch));
	free(got);
}

static void no_launch_data_is_null(void **state)
{
	struct monitor_handoff out;
	uint8_t *got = (uint8_t *)1;
	struct vxn_err err;

	(void)state;
	assert_int_equal(round_trip(good(), NULL, &out, &got, &err), 0);
	assert_null(got);
}

/* The record alone, as a damaged or foreign one would come. */
static void expect_refused(struct monitor_handoff *h, const char *why)
{
	struct monitor_handoff out;
	uint8_t *got = NULL;
	struct vxn_err err;
	int fd = memfd_create("test", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, h, sizeof(*h)), (ssize_t)sizeof(*h));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(handoff_read(fd, &out, &got, &err), -1);
	close(fd);
	assert_null(got);
	assert_non_null(strstr(err.msg, why));
}

static void another_build_is_refused(void **state)
{
	struct monitor_handoff *h = good();

	(void)state;
	h->size = sizeof(*h) - 8;
	expect_refused(h, "do not match");
	h = good();
	memcpy(h->magic, "vxn-monitor/0", 14);
	expect_refused(h, "do not match");
}

static void unterminated_strings_are_refused(void **state)
{
	struct monitor_handoff *h = good();

	(void)state;
	memset(h->domain_name, 'a', sizeof(h->domain_name));
	expect_refused(h, "do not match");
	h = good();
	memset(h->vxn_path, '/', sizeof(h->vxn_path));
	expect_refused(h, "do not match");
}

static void stdio_or_shared_fds_are_refused(void **state)
{
	struct monitor_handoff *h = good();

	(void)state;
	h->ready_fd = 1;
	expect_refused(h, "malformed");
	h = good();
	h->loop_fd = h->lock_fd;
	expect_refused(h, "malformed");
	h = good();
	h->loop_fd = -1;  /* no loop device is fine */
	struct monitor_handoff out;
	uint8_t *got = NULL;
	struct vxn_err err;
	assert_int_equal(round_trip(h, NULL, &out, &got, &err), 0);
}

static void oversized_or_missing_launch_data_is_refused(void **state)
{
	struct monitor_handoff *h = good();

	(void)state;
	h->launch_len = VXN_POOL_LAUNCH_MAX + 1;
	expect_refused(h, "malformed");
	h = good();
	h->launch_len = 100;  /* announced, not there */
	expect_refused(h, "short");
}

static void empty_names_are_refused(void **state)
{
	struct monitor_handoff *h = good();

	(void)state;
	h->domain_name[0] = '\0';
	expect_refused(h, "malformed");
}

static void too_long_a_field_is_an_error(void **state)
{
	char name[200];
	char field[96];
	struct vxn_err err;

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(handoff_set(field, sizeof(field), name, "the domain name", &err), -1);
	assert_non_null(strstr(err.msg, "the domain name"));
	assert_int_equal(handoff_set(field, sizeof(field), NULL, "x", &err), 0);
	assert_string_equal(field, "");
}

static void short_record_is_refused(void **state)
{
	struct monitor_handoff out;
	uint8_t *got = NULL;
	struct vxn_err err;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "vxn-monitor/1", 13), 13);
	close(p[1]);
	assert_int_equal(handoff_read(p[0], &out, &got, &err), -1);
	assert_non_null(strstr(err.msg, "short"));
	close(p[0]);
}

static void log_is_the_given_one_or_the_state_dirs(void **state)
{
	char buf[64], tiny[8];

	(void)state;
	assert_string_equal(monitor_log_path("/var/log/x.json", "/run/vxn/c1", buf, sizeof(buf)),
			    "/var/log/x.json");
	assert_string_equal(monitor_log_path(NULL, "/run/vxn/c1", buf, sizeof(buf)),
			    "/run/vxn/c1/" MONITOR_LOG);
	assert_string_equal(monitor_log_path("", "/run/vxn/c1", buf, sizeof(buf)),
			    "/run/vxn/c1/" MONITOR_LOG);
	assert_string_equal(monitor_log_path(NULL, "/run/vxn/c1", tiny, sizeof(tiny)), "");
}

static void ready_message_reaches_create(void **state)
{
	struct monitor_ready r;
	struct vxn_err err = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true(monitor_tell_create(p[1], 9, NULL));
	assert_int_equal(read(p[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.domid, 9);
	err_set(&err, ENOENT, "no kernel");
	assert_true(monitor_tell_create(p[1], 0, &err));
	assert_int_equal(read(p[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	assert_int_equal(r.ok, 0);
	assert_string_equal(r.err.msg, err.msg);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_and_launch_data_come_through),
		cmocka_unit_test(no_launch_data_is_null),
		cmocka_unit_test(another_build_is_refused),
		cmocka_unit_test(unterminated_strings_are_refused),
		cmocka_unit_test(stdio_or_shared_fds_are_refused),
		cmocka_unit_test(oversized_or_missing_launch_data_is_refused),
		cmocka_unit_test(empty_names_are_refused),
		cmocka_unit_test(too_long_a_field_is_an_error),
		cmocka_unit_test(short_record_is_refused),
		cmocka_unit_test(log_is_the_given_one_or_the_state_dirs),
		cmocka_unit_test(ready_message_reaches_create),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
