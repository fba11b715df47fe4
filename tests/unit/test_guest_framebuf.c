/* guest-init/framebuf.c: the relay's queues and frame (de)queuing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "framebuf.h"

static uint8_t storage[4 * (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)];

static struct byteq queue(size_t cap)
{
	assert_true(cap <= sizeof storage);
	return (struct byteq){ storage, cap, 0 };
}

static void test_byteq(void **state)
{
	(void)state;
	struct byteq q = queue(8);

	assert_int_equal(byteq_push(&q, "abcde", 5), 0);
	assert_int_equal(byteq_push(&q, "fghi", 4), -ENOSPC);
	assert_int_equal(q.len, 5);
	byteq_drop(&q, 2);
	assert_memory_equal(q.data, "cde", 3);
	assert_int_equal(byteq_room(&q), 5);
	byteq_drop(&q, 100);
	assert_int_equal(q.len, 0);
}

static void test_frames_round_trip(void **state)
{
	(void)state;
	struct byteq q = queue(sizeof storage);
	struct vxn_frame_hdr h;
	const uint8_t *p;

	assert_int_equal(frame_put(&q, VXN_F_HELLO, NULL, 0), 0);
	assert_int_equal(frame_put(&q, VXN_F_STDOUT, "out\n", 4), 0);
	assert_int_equal(frame_peek(&q, &h, &p), 1);
	assert_int_equal(h.type, VXN_F_HELLO);
	assert_int_equal(h.len, 0);
	byteq_drop(&q, VXN_FRAME_HDR_BYTES + h.len);
	assert_int_equal(frame_peek(&q, &h, &p), 1);
	assert_int_equal(h.type, VXN_F_STDOUT);
	assert_memory_equal(p, "out\n", 4);
}

static void test_partial_frames_wait(void **state)
{
	(void)state;
	struct byteq q = queue(sizeof storage);
	struct vxn_frame_hdr h;
	const uint8_t *p;

	assert_int_equal(frame_put(&q, VXN_F_STDERR, "err", 3), 0);
	size_t full = q.len;
	for (size_t cut = 0; cut < full; cut++) {
		q.len = cut;
		assert_int_equal(frame_peek(&q, &h, &p), 0);
	}
	q.len = full;
	assert_int_equal(frame_peek(&q, &h, &p), 1);
}

static void test_bad_header_refused(void **state)
{
	(void)state;
	struct byteq q = queue(64);
	struct vxn_frame_hdr h;
	const uint8_t *p;
	const uint8_t bad[8] = { 42, 0, 0, 0, 0, 0, 0, 0 };

	byteq_push(&q, bad, sizeof bad);
	assert_int_equal(frame_peek(&q, &h, &p), -EPROTO);
}

static void test_put_limits(void **state)
{
	(void)state;
	struct byteq q = queue(VXN_FRAME_HDR_BYTES + 4);
	uint8_t big[VXN_FRAME_MAX_PAYLOAD + 1] = { 0 };

	assert_int_equal(frame_put(&q, VXN_F_STDOUT, big, 5), -ENOSPC);
	assert_int_equal(q.len, 0);
	assert_int_equal(frame_put(&q, VXN_F_STDOUT, big, 4), 0);
	q = queue(sizeof storage);
	assert_int_equal(frame_put(&q, VXN_F_STDOUT, big, sizeof big), -EINVAL);
	assert_int_equal(frame_put(&q, VXN_F_ERROR, big, VXN_ERROR_MAX + 1), -EINVAL);
	assert_int_equal(frame_put(&q, VXN_F_EXIT, big, VXN_EXIT_BYTES + 1), -EINVAL);
	assert_int_equal(q.len, 0);
}

/* Output stops before it could eat the reserve kept for ERROR and EXIT. */
static void test_output_backpressure(void **state)
{
	(void)state;
	struct byteq q = queue(sizeof storage);
	uint8_t chunk[VXN_FRAME_MAX_PAYLOAD] = { 0 };
	int frames = 0;

	while (frame_room_for_output(&q)) {
		assert_int_equal(frame_put(&q, VXN_F_STDOUT, chunk, sizeof chunk), 0);
		frames++;
	}
	assert_true(frames >= 2);
	assert_true(byteq_room(&q) >= FRAME_CONTROL_RESERVE);
	assert_int_equal(frame_put(&q, VXN_F_ERROR, chunk, VXN_ERROR_MAX), 0);
	assert_int_equal(frame_put(&q, VXN_F_EXIT, chunk, VXN_EXIT_BYTES), 0);
}

/* Reading output straight into the queue: the payload goes where
 * frame_reserve says, and frame_commit makes a frame of what was put there. */
static void test_reserve_commit(void **state)
{
	(void)state;
	struct byteq q = queue(2 * VXN_FRAME_HDR_BYTES + 10);
	struct vxn_frame_hdr h;
	const uint8_t *p;

	assert_int_equal(frame_put(&q, VXN_F_HELLO, NULL, 0), 0);
	uint8_t *dst = frame_reserve(&q, 10);
	assert_non_null(dst);
	assert_ptr_equal(dst, q.data + 2 * VXN_FRAME_HDR_BYTES);
	memcpy(dst, "output", 6);  /* fewer bytes than reserved, as a short read */
	assert_int_equal(frame_commit(&q, VXN_F_STDOUT, 3, 6), 0);
	assert_int_equal(q.len, 2 * VXN_FRAME_HDR_BYTES + 6);
	byteq_drop(&q, VXN_FRAME_HDR_BYTES);  /* the HELLO */
	assert_int_equal(frame_peek(&q, &h, &p), 1);
	assert_int_equal(h.type, VXN_F_STDOUT);
	assert_int_equal(h.stream, 3);
	assert_int_equal(h.len, 6);
	assert_memory_equal(p, "output", 6);
	/* no room, or more than a frame: nothing reserved, nothing committed */
	assert_null(frame_reserve(&q, 20));
	assert_null(frame_reserve(&q, VXN_FRAME_MAX_PAYLOAD + 1));
	assert_int_equal(frame_commit(&q, VXN_F_STDOUT, 0, 20), -ENOSPC);
	assert_int_equal(q.len, VXN_FRAME_HDR_BYTES + 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byteq),
		cmocka_unit_test(test_frames_round_trip),
		cmocka_unit_test(test_partial_frames_wait),
		cmocka_unit_test(test_bad_header_refused),
		cmocka_unit_test(test_put_limits),
		cmocka_unit_test(test_output_backpressure),
		cmocka_unit_test(test_reserve_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
