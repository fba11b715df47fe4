/* proto/frame.c: header bounds for every frame type, fixed payloads, error
 * text sanitising, wait status mapping. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vxn-proto.h"

static int hdr_decode_of(uint8_t type, uint8_t flags, uint16_t stream, uint32_t len,
			 struct vxn_frame_hdr *out)
{
	struct vxn_frame_hdr h = { .type = type, .flags = flags, .stream = stream, .len = len };
	uint8_t buf[VXN_FRAME_HDR_BYTES];

	vxn_frame_hdr_encode(&h, buf);
	return vxn_frame_hdr_decode(buf, out);
}

static void test_hdr_layout(void **state)
{
	(void)state;
	struct vxn_frame_hdr h = { .type = VXN_F_STDOUT, .stream = 0x0102, .len = 0x3004 };
	uint8_t buf[VXN_FRAME_HDR_BYTES];

	vxn_frame_hdr_encode(&h, buf);
	assert_memory_equal(buf, "\x03\x00\x02\x01\x04\x30\x00\x00", 8);
}

/* A whole frame into a buffer: written only when it fits. */
static void test_frame_put(void **state)
{
	(void)state;
	static uint8_t buf[VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD + 1];
	struct vxn_frame_hdr h;

	assert_int_equal(vxn_frame_put(buf, sizeof buf, VXN_F_STDIN, 3, "abc", 3), 11);
	assert_memory_equal(buf, "\x01\x00\x03\x00\x03\x00\x00\x00" "abc", 11);
	assert_int_equal(vxn_frame_put(buf, 8, VXN_F_STDIN_EOF, 0, NULL, 0), 8);
	assert_int_equal(vxn_frame_hdr_decode(buf, &h), 0);
	assert_int_equal(h.type, VXN_F_STDIN_EOF);
	memset(buf, 0xee, sizeof buf);
	assert_int_equal(vxn_frame_put(buf, 10, VXN_F_STDIN, 0, "abc", 3), 0);
	assert_int_equal(vxn_frame_put(buf, sizeof buf, VXN_F_STDIN, 0, buf,
				       VXN_FRAME_MAX_PAYLOAD + 1), 0);
	assert_int_equal(buf[0], 0xee);
}

static void test_hdr_type_range(void **state)
{
	(void)state;
	struct vxn_frame_hdr out;

	for (int t = 1; t <= VXN_F_TYPE_MAX; t++) {
		assert_int_equal(hdr_decode_of((uint8_t)t, 0, 7, 0, &out), 0);
		assert_int_equal(out.type, t);
		assert_int_equal(out.stream, 7);
	}
	assert_int_equal(hdr_decode_of(0, 0, 0, 0, &out), -EPROTO);
	assert_int_equal(hdr_decode_of(VXN_F_TYPE_MAX + 1, 0, 0, 0, &out), -EPROTO);
	assert_int_equal(hdr_decode_of(255, 0, 0, 0, &out), -EPROTO);
	assert_int_equal(out.type, 0);
}

static void test_hdr_flags_must_be_zero(void **state)
{
	(void)state;
	struct vxn_frame_hdr out;

	for (int f = 1; f < 256; f <<= 1)
		assert_int_equal(hdr_decode_of(VXN_F_STDOUT, (uint8_t)f, 0, 1, &out), -EPROTO);
}

static void expect_max_len(uint8_t type, uint32_t max)
{
	struct vxn_frame_hdr out;

	assert_int_equal(hdr_decode_of(type, 0, 0, max, &out), 0);
	assert_int_equal(out.len, max);
	assert_int_equal(hdr_decode_of(type, 0, 0, max + 1, &out), -EPROTO);
	assert_int_equal(hdr_decode_of(type, 0, 0, 0xffffffffu, &out), -EPROTO);
}

static void test_hdr_len_per_type(void **state)
{
	(void)state;
	expect_max_len(VXN_F_STDIN, VXN_FRAME_MAX_PAYLOAD);
	expect_max_len(VXN_F_STDIN_EOF, 0);
	expect_max_len(VXN_F_STDOUT, VXN_FRAME_MAX_PAYLOAD);
	expect_max_len(VXN_F_STDERR, VXN_FRAME_MAX_PAYLOAD);
	expect_max_len(VXN_F_WINSIZE, VXN_WINSIZE_BYTES);
	expect_max_len(VXN_F_SIGNAL, VXN_SIGNAL_BYTES);
	expect_max_len(VXN_F_EXIT, VXN_EXIT_BYTES);
	expect_max_len(VXN_F_ERROR, VXN_ERROR_MAX);
	expect_max_len(VXN_F_HELLO, 0);
	expect_max_len(VXN_F_EXEC_START, VXN_FRAME_MAX_PAYLOAD);
	expect_max_len(VXN_F_EXEC_STARTED, 0);
	expect_max_len(VXN_F_PS_REQUEST, 0);
	expect_max_len(VXN_F_PS_REPLY, VXN_FRAME_MAX_PAYLOAD);
	expect_max_len(VXN_F_STATS_REQUEST, 0);
	expect_max_len(VXN_F_STATS_REPLY, VXN_GUEST_STATS_BYTES);
	expect_max_len(VXN_F_CREDIT, VXN_CREDIT_BYTES);
}

static void test_credit(void **state)
{
	(void)state;
	uint8_t buf[VXN_CREDIT_BYTES];
	uint32_t out;

	assert_int_equal(vxn_credit_encode(4096, buf), VXN_CREDIT_BYTES);
	assert_memory_equal(buf, "\x00\x10\x00\x00", 4);
	assert_int_equal(vxn_credit_decode(buf, sizeof buf, &out), 0);
	assert_int_equal(out, 4096);
	vxn_credit_encode(VXN_STREAM_WINDOW, buf);
	assert_int_equal(vxn_credit_decode(buf, sizeof buf, &out), 0);
	assert_int_equal(out, VXN_STREAM_WINDOW);
	/* nothing, more than a window, wrong lengths */
	vxn_credit_encode(0, buf);
	assert_int_equal(vxn_credit_decode(buf, sizeof buf, &out), -EPROTO);
	vxn_credit_encode(VXN_STREAM_WINDOW + 1, buf);
	assert_int_equal(vxn_credit_decode(buf, sizeof buf, &out), -EPROTO);
	vxn_credit_encode(UINT32_MAX, buf);
	assert_int_equal(vxn_credit_decode(buf, sizeof buf, &out), -EPROTO);
	assert_int_equal(out, 0);
	vxn_credit_encode(1, buf);
	assert_int_equal(vxn_credit_decode(buf, 3, &out), -EPROTO);
	assert_int_equal(vxn_credit_decode(buf, 5, &out), -EPROTO);
	/* what a side holds after a credit: never beyond its window */
	assert_int_equal(vxn_credit_add(0, 100, 1000), 100);
	assert_int_equal(vxn_credit_add(900, 100, 1000), 1000);
	assert_int_equal(vxn_credit_add(900, 101, 1000), 1000);
	assert_int_equal(vxn_credit_add(1, UINT32_MAX, 1000), 1000);
	assert_int_equal(vxn_credit_add(1000, 1, 1000), 1000);
}

static void test_winsize(void **state)
{
	(void)state;
	struct vxn_winsize in = { .rows = 50, .cols = 65535 }, out;
	uint8_t buf[VXN_WINSIZE_BYTES + 1] = { 0 };

	assert_int_equal(vxn_winsize_encode(&in, buf), VXN_WINSIZE_BYTES);
	assert_int_equal(vxn_winsize_decode(buf, VXN_WINSIZE_BYTES, &out), 0);
	assert_int_equal(out.rows, 50);
	assert_int_equal(out.cols, 65535);
	assert_int_equal(vxn_winsize_decode(buf, VXN_WINSIZE_BYTES - 1, &out), -EPROTO);
	assert_int_equal(vxn_winsize_decode(buf, VXN_WINSIZE_BYTES + 1, &out), -EPROTO);
	assert_int_equal(vxn_winsize_decode(buf, 0, &out), -EPROTO);
}

static int signal_round_trip(int32_t signo, bool all, struct vxn_signal *out)
{
	struct vxn_signal in = { .signo = signo, .all = all };
	uint8_t buf[VXN_SIGNAL_BYTES];

	assert_int_equal(vxn_signal_encode(&in, buf), VXN_SIGNAL_BYTES);
	return vxn_signal_decode(buf, sizeof buf, out);
}

static void test_signal(void **state)
{
	(void)state;
	struct vxn_signal out;
	uint8_t buf[VXN_SIGNAL_BYTES];

	assert_int_equal(signal_round_trip(15, false, &out), 0);
	assert_int_equal(out.signo, 15);
	assert_false(out.all);
	assert_int_equal(signal_round_trip(1, true, &out), 0);
	assert_true(out.all);
	assert_int_equal(signal_round_trip(64, false, &out), 0);
	assert_int_equal(signal_round_trip(0, false, &out), -EPROTO);
	assert_int_equal(signal_round_trip(65, false, &out), -EPROTO);
	assert_int_equal(signal_round_trip(-9, false, &out), -EPROTO);

	struct vxn_signal in = { .signo = 9 };
	vxn_signal_encode(&in, buf);
	assert_int_equal(vxn_signal_decode(buf, VXN_SIGNAL_BYTES - 1, &out), -EPROTO);
	buf[4] = 2; /* all is a strict bool */
	assert_int_equal(vxn_signal_decode(buf, sizeof buf, &out), -EPROTO);
	buf[4] = 0;
	buf[7] = 1; /* padding must be zero */
	assert_int_equal(vxn_signal_decode(buf, sizeof buf, &out), -EPROTO);
	assert_int_equal(out.signo, 0);
}

static int exit_round_trip(uint8_t kind, int32_t value, struct vxn_exit *out)
{
	struct vxn_exit in = { .kind = kind, .value = value };
	uint8_t buf[VXN_EXIT_BYTES];

	assert_int_equal(vxn_exit_encode(&in, buf), VXN_EXIT_BYTES);
	return vxn_exit_decode(buf, sizeof buf, out);
}

static void test_exit(void **state)
{
	(void)state;
	struct vxn_exit out;
	uint8_t buf[VXN_EXIT_BYTES];

	assert_int_equal(exit_round_trip(VXN_EXIT_CODE, 0, &out), 0);
	assert_int_equal(exit_round_trip(VXN_EXIT_CODE, 255, &out), 0);
	assert_int_equal(out.value, 255);
	assert_int_equal(exit_round_trip(VXN_EXIT_CODE, 256, &out), -EPROTO);
	assert_int_equal(exit_round_trip(VXN_EXIT_CODE, -1, &out), -EPROTO);
	assert_int_equal(exit_round_trip(VXN_EXIT_SIGNAL, 9, &out), 0);
	assert_int_equal(out.kind, VXN_EXIT_SIGNAL);
	assert_int_equal(exit_round_trip(VXN_EXIT_SIGNAL, 64, &out), 0);
	assert_int_equal(exit_round_trip(VXN_EXIT_SIGNAL, 0, &out), -EPROTO);
	assert_int_equal(exit_round_trip(VXN_EXIT_SIGNAL, 65, &out), -EPROTO);
	assert_int_equal(exit_round_trip(2, 0, &out), -EPROTO);
	assert_int_equal(exit_round_trip(255, 1, &out), -EPROTO);

	struct vxn_exit in = { .kind = VXN_EXIT_CODE, .value = 3 };
	vxn_exit_encode(&in, buf);
	assert_int_equal(vxn_exit_decode(buf, VXN_EXIT_BYTES - 1, &out), -EPROTO);
	buf[2] = 1;
	assert_int_equal(vxn_exit_decode(buf, sizeof buf, &out), -EPROTO);
}

static int stats_round_trip(struct vxn_guest_stats in, struct vxn_guest_stats *out)
{
	uint8_t buf[VXN_GUEST_STATS_BYTES];

	assert_int_equal(vxn_guest_stats_encode(&in, buf), VXN_GUEST_STATS_BYTES);
	return vxn_guest_stats_decode(buf, sizeof buf, out);
}

static void test_guest_stats(void **state)
{
	(void)state;
	const struct vxn_guest_stats good = {
		.mem_total_kib = 60000, .mem_free_kib = 40000, .mem_available_kib = 50000,
		.processes = 3, .cpus_online = 2,
	};
	struct vxn_guest_stats out, bad;
	uint8_t buf[VXN_GUEST_STATS_BYTES];

	assert_int_equal(stats_round_trip(good, &out), 0);
	assert_memory_equal(&out, &good, sizeof good);
	vxn_guest_stats_encode(&good, buf);
	assert_memory_equal(buf, "\x60\xea\x00\x00\x00\x00\x00\x00", 8);
	/* wrong lengths */
	assert_int_equal(vxn_guest_stats_decode(buf, sizeof buf - 1, &out), -EPROTO);
	assert_int_equal(vxn_guest_stats_decode(buf, 0, &out), -EPROTO);
	assert_int_equal(out.mem_total_kib, 0);
	/* values a guest might lie with: each one alone is refused */
	bad = good; bad.mem_total_kib = 0;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	bad = good; bad.mem_total_kib = UINT64_MAX;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	bad = good; bad.mem_free_kib = good.mem_total_kib + 1;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	bad = good; bad.mem_available_kib = UINT64_MAX;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	bad = good; bad.processes = 0;  /* only init left */
	assert_int_equal(stats_round_trip(bad, &out), 0);
	bad = good; bad.processes = VXN_GUEST_PROCS_MAX + 1;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	bad = good; bad.cpus_online = 0;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	bad = good; bad.cpus_online = VXN_GUEST_CPUS_MAX + 1;
	assert_int_equal(stats_round_trip(bad, &out), -EPROTO);
	assert_int_equal(out.processes, 0);
}

static void test_exit_status(void **state)
{
	(void)state;
	struct vxn_exit e = { .kind = VXN_EXIT_CODE, .value = 3 };

	assert_int_equal(vxn_exit_status(&e), 3);
	e.value = 0;
	assert_int_equal(vxn_exit_status(&e), 0);
	e = (struct vxn_exit){ .kind = VXN_EXIT_SIGNAL, .value = 9 };
	assert_int_equal(vxn_exit_status(&e), 137);
	e.value = 15;
	assert_int_equal(vxn_exit_status(&e), 143);
	e = (struct vxn_exit){ .kind = 7, .value = 1 };
	assert_int_equal(vxn_exit_status(&e), 255);
}

static void test_error_text(void **state)
{
	(void)state;
	char out[VXN_ERROR_MAX + 1];
	const uint8_t msg[] = "exec: /bin/nope: no such file or directory";
	const uint8_t hostile[] = { 'a', '\n', 0x1b, '[', '2', 'J', 0, 0x7f, 0xc3, 'z' };

	assert_int_equal(vxn_error_text_decode(msg, sizeof msg - 1, out, sizeof out), 0);
	assert_string_equal(out, (const char *)msg);
	assert_int_equal(vxn_error_text_decode(hostile, sizeof hostile, out, sizeof out), 0);
	assert_string_equal(out, "a??[2J???z");
	assert_int_equal(vxn_error_text_decode(hostile, 0, out, sizeof out), 0);
	assert_string_equal(out, "");

	uint8_t *big = malloc(VXN_ERROR_MAX + 1);
	memset(big, 'e', VXN_ERROR_MAX + 1);
	assert_int_equal(vxn_error_text_decode(big, VXN_ERROR_MAX, out, sizeof out), 0);
	assert_int_equal(strlen(out), VXN_ERROR_MAX);
	assert_int_equal(vxn_error_text_decode(big, VXN_ERROR_MAX + 1, out, sizeof out), -EPROTO);
	assert_string_equal(out, "");
	/* a smaller buffer than the contract asks for still stays in bounds */
	char small[4];
	assert_int_equal(vxn_error_text_decode(big, 100, small, sizeof small), 0);
	assert_string_equal(small, "eee");
	free(big);
}

static int ps_check(const char *text)
{
	return vxn_ps_text_check((const uint8_t *)text, strlen(text));
}

static void test_ps_text_good(void **state)
{
	(void)state;
	assert_int_equal(ps_check(""), 0);
	assert_int_equal(ps_check("7 root sh\n"), 0);
	assert_int_equal(ps_check("7 root /bin/sh -c sleep 100\n12 1000 sleep 100\n"), 0);
	assert_int_equal(ps_check("4294967295 a.b_c-d x\n"), 0);
}

static void test_ps_text_hostile(void **state)
{
	(void)state;
	const char *bad[] = {
		"7 root sh",                /* no final newline */
		"\n",                       /* empty line */
		"x root sh\n",              /* pid not a number */
		"12345678901 root sh\n",    /* pid over 10 digits */
		"7  sh\n",                  /* empty user */
		"7 ro/ot sh\n",             /* user with a slash */
		"7 root \n",                /* empty command */
		"7 root \x1b[2J\n",         /* escape sequence */
		"7 root a\tb\n",            /* tab */
		"7 root sh\r\n",            /* carriage return */
		" 7 root sh\n",             /* leading space */
		"7\n",                      /* one field */
		"7 root",                   /* truncated */
		"7 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa sh\n", /* user over 32 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ps_check(bad[i]) != -EPROTO)
			fail_msg("accepted: %s", bad[i]);
	}
	assert_int_equal(vxn_ps_text_check((const uint8_t *)"7 root s\0h\n", 11), -EPROTO);
}

static void test_ps_text_bounds(void **state)
{
	(void)state;
	char line[VXN_PS_CMD_MAX + 16];
	int n = snprintf(line, sizeof line, "1 r ");

	memset(line + n, 'c', VXN_PS_CMD_MAX);
	line[n + VXN_PS_CMD_MAX] = '\n';
	assert_int_equal(vxn_ps_text_check((uint8_t *)line, (size_t)n + VXN_PS_CMD_MAX + 1), 0);
	line[n + VXN_PS_CMD_MAX] = 'c';
	line[n + VXN_PS_CMD_MAX + 1] = '\n';
	assert_int_equal(vxn_ps_text_check((uint8_t *)line, (size_t)n + VXN_PS_CMD_MAX + 2),
			 -EPROTO);
	uint8_t *big = calloc(1, VXN_FRAME_MAX_PAYLOAD + 1);
	assert_int_equal(vxn_ps_text_check(big, VXN_FRAME_MAX_PAYLOAD + 1), -EPROTO);
	free(big);
}

/* CTR_START / CTR_EXEC payloads: u8 n, the name, then the launch. */
static void test_ctr_frame_round_trip(void **state)
{
	static const uint8_t launch[] = { 'V', 'X', 'N', 'L', 1, 2, 3 };
	char name[VXN_CTR_NAME_MAX + 1];
	uint8_t buf[512];
	struct vxn_ctr_frame f;

	(void)state;
	int n = vxn_ctr_frame_encode("c3r-app_1.x", launch, sizeof launch, buf, sizeof buf);
	assert_int_equal(n, 1 + 11 + (int)sizeof launch);
	assert_int_equal(buf[0], 11);
	assert_int_equal(vxn_ctr_frame_decode(buf, (size_t)n, &f), 0);
	assert_string_equal(f.name, "c3r-app_1.x");
	assert_int_equal(f.launch_len, sizeof launch);
	assert_ptr_equal(f.launch, buf + 12);
	assert_memory_equal(f.launch, launch, sizeof launch);

	/* the longest name */
	memset(name, 'a', VXN_CTR_NAME_MAX);
	name[VXN_CTR_NAME_MAX] = '\0';
	n = vxn_ctr_frame_encode(name, launch, 1, buf, sizeof buf);
	assert_int_equal(n, 1 + VXN_CTR_NAME_MAX + 1);
	assert_int_equal(vxn_ctr_frame_decode(buf, (size_t)n, &f), 0);
	assert_string_equal(f.name, name);
	assert_int_equal(f.launch_len, 1);
}

static void test_ctr_frame_bad_names(void **state)
{
	static const char *const bad[] = { "", "a/b", "..\x01", "a b", "caf\xc3\xa9", "x\n" };
	char name[VXN_CTR_NAME_MAX + 2];
	uint8_t buf[512], launch[1] = { 0 };
	struct vxn_ctr_frame f;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = strlen(bad[i]);
		assert_int_equal(vxn_ctr_frame_encode(bad[i], launch, 1, buf, sizeof buf), -1);
		/* the same bytes put on the wire by hand */
		buf[0] = (uint8_t)n;
		memcpy(buf + 1, bad[i], n);
		buf[1 + n] = 0;
		assert_int_equal(vxn_ctr_frame_decode(buf, n + 2, &f), -1);
	}
	assert_int_equal(vxn_ctr_frame_encode(NULL, launch, 1, buf, sizeof buf), -1);
	memset(name, 'a', VXN_CTR_NAME_MAX + 1);
	name[VXN_CTR_NAME_MAX + 1] = '\0';
	assert_int_equal(vxn_ctr_frame_encode(name, launch, 1, buf, sizeof buf), -1);
	buf[0] = VXN_CTR_NAME_MAX + 1;
	memset(buf + 1, 'a', VXN_CTR_NAME_MAX + 2);
	assert_int_equal(vxn_ctr_frame_decode(buf, VXN_CTR_NAME_MAX + 3, &f), -1);
}

static void test_ctr_frame_truncated(void **state)
{
	static const uint8_t launch[] = { 1, 2, 3, 4 };
	uint8_t buf[64];
	struct vxn_ctr_frame f;

	(void)state;
	int n = vxn_ctr_frame_encode("ctr", launch, sizeof launch, buf, sizeof buf);
	assert_true(n > 0);
	/* every cut before the first launch byte is refused, none after */
	for (int len = 0; len < n; len++)
		assert_int_equal(vxn_ctr_frame_decode(buf, (size_t)len, &f), len >= 5 ? 0 : -1);
	/* no launch at all, and a launch that does not fit */
	assert_int_equal(vxn_ctr_frame_encode("ctr", launch, 0, buf, sizeof buf), -1);
	assert_int_equal(vxn_ctr_frame_encode("ctr", launch, sizeof launch, buf, 7), -1);
	assert_int_equal(vxn_ctr_frame_encode("ctr", launch, sizeof launch, buf, 8), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_layout),
		cmocka_unit_test(test_frame_put),
		cmocka_unit_test(test_hdr_type_range),
		cmocka_unit_test(test_hdr_flags_must_be_zero),
		cmocka_unit_test(test_hdr_len_per_type),
		cmocka_unit_test(test_winsize),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_guest_stats),
		cmocka_unit_test(test_credit),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_ps_text_good),
		cmocka_unit_test(test_ps_text_hostile),
		cmocka_unit_test(test_ps_text_bounds),
		cmocka_unit_test(test_ctr_frame_round_trip),
		cmocka_unit_test(test_ctr_frame_bad_names),
		cmocka_unit_test(test_ctr_frame_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
