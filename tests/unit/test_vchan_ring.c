/* vchan-ring: frames placed in and taken from libxenvchan's ring in place.
 * Two ends share one ring in memory, as guest and host do through grants;
 * no event channel is involved while neither end asked to be notified. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include <unistd.h>

#include <cmocka.h>
#include <libxenvchan.h>

#include "vchan-ring.h"
#include "vxn-proto.h"

#define ORDER 12
#define SIZE (1u << ORDER)

struct pair {
	struct vchan_interface iface;
	uint8_t buffer[SIZE];
	struct libxenvchan writer;  /* the client: writes the left ring */
	struct libxenvchan reader;  /* the server: reads it */
};

static struct pair p;

static void pair_init(uint32_t start)
{
	memset(&p, 0, sizeof p);
	p.iface.left.prod = p.iface.left.cons = start;
	p.writer.is_server = 0;
	p.writer.ring = &p.iface;
	p.writer.write = (struct libxenvchan_ring){ &p.iface.left, p.buffer, ORDER };
	p.reader.is_server = 1;
	p.reader.ring = &p.iface;
	p.reader.read = (struct libxenvchan_ring){ &p.iface.left, p.buffer, ORDER };
}

static void frame_across_the_end_of_the_ring_reads_back_whole(void **state)
{
	uint8_t payload[100], got[100], hdr[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, ghdr[8];
	struct iovec iov[2];

	(void)state;
	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)i;
	pair_init(SIZE - 50);  /* the header fits, the payload wraps */
	assert_int_equal(vchan_ring_space(&p.writer, 108), SIZE);
	assert_int_equal(vchan_ring_span(&p.writer, 8, sizeof payload, iov), 2);
	assert_int_equal(iov[0].iov_len, 42);
	assert_int_equal(iov[1].iov_len, 58);
	assert_ptr_equal(iov[1].iov_base, p.buffer);
	memcpy(iov[0].iov_base, payload, 42);
	memcpy(iov[1].iov_base, payload + 42, 58);
	assert_int_equal(vchan_ring_ready(&p.reader, 1), 0);  /* nothing published yet */
	p.iface.cli_notify = 0;  /* that asked for an event: there is no channel here */
	vchan_ring_put(&p.writer, 0, hdr, sizeof hdr);
	assert_int_equal(vchan_ring_commit(&p.writer, 108), 0);

	assert_int_equal(vchan_ring_space(&p.writer, 0), SIZE - 108);
	assert_int_equal(vchan_ring_ready(&p.reader, 108), 108);
	vchan_ring_get(&p.reader, 0, ghdr, sizeof ghdr);
	assert_memory_equal(ghdr, hdr, sizeof hdr);
	assert_int_equal(vchan_ring_peek_span(&p.reader, 8, 100, iov), 2);
	vchan_ring_get(&p.reader, 8, got, sizeof got);
	assert_memory_equal(got, payload, sizeof payload);
	assert_int_equal(vchan_ring_consume(&p.reader, 108), 0);
	assert_int_equal(vchan_ring_ready(&p.reader, 0), 0);
	assert_int_equal(vchan_ring_space(&p.writer, 0), SIZE);
}

static void contiguous_span_is_one_piece_at_the_write_position(void **state)
{
	struct iovec iov[2];

	(void)state;
	pair_init(10);
	assert_int_equal(vchan_ring_span(&p.writer, 8, 64, iov), 1);
	assert_ptr_equal(iov[0].iov_base, p.buffer + 18);
	assert_int_equal(iov[0].iov_len, 64);
}

static void indexes_that_make_no_sense_give_neither_room_nor_data(void **state)
{
	(void)state;
	pair_init(0);
	p.iface.left.prod = SIZE + 1;  /* more than the ring holds */
	assert_int_equal(vchan_ring_ready(&p.reader, 0), 0);
	pair_init(100);
	p.iface.left.cons = 200;  /* a consumer ahead of the producer */
	assert_int_equal(vchan_ring_space(&p.writer, 0), 0);
}

static void short_of_room_or_data_asks_the_peer_to_notify(void **state)
{
	(void)state;
	pair_init(0);
	p.iface.left.prod = SIZE;  /* full */
	assert_int_equal(vchan_ring_space(&p.writer, 1), 0);
	assert_true(p.iface.srv_notify & VCHAN_NOTIFY_READ);
	pair_init(0);
	assert_int_equal(vchan_ring_ready(&p.reader, 8), 0);
	assert_true(p.iface.cli_notify & VCHAN_NOTIFY_WRITE);
	pair_init(0);
	assert_int_equal(vchan_ring_space(&p.writer, SIZE), SIZE);  /* enough: no request */
	assert_int_equal(p.iface.srv_notify, 0);
}

static void read_frame_puts_a_whole_frame_from_a_pipe_across_the_end(void **state)
{
	uint8_t data[300], got[300], hdr[VXN_FRAME_HDR_BYTES];
	struct vxn_frame_hdr h;
	int fds[2];

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, sizeof data), sizeof data);
	pair_init(SIZE - 100);
	assert_int_equal(vchan_ring_frame_room(&p.writer), SIZE - VXN_FRAME_HDR_BYTES);
	/* at most max bytes: the rest stays in the pipe */
	assert_int_equal(vchan_ring_read_frame(&p.writer, fds[0], VXN_F_STDOUT, 3, 200), 200);
	assert_int_equal(vchan_ring_ready(&p.reader, 0), VXN_FRAME_HDR_BYTES + 200);
	vchan_ring_get(&p.reader, 0, hdr, sizeof hdr);
	assert_int_equal(vxn_frame_hdr_decode(hdr, &h), 0);
	assert_int_equal(h.type, VXN_F_STDOUT);
	assert_int_equal(h.stream, 3);
	assert_int_equal(h.len, 200);
	vchan_ring_get(&p.reader, VXN_FRAME_HDR_BYTES, got, 200);
	assert_memory_equal(got, data, 200);
	close(fds[0]);
	close(fds[1]);
}

static void read_frame_refuses_a_payload_over_the_limit(void **state)
{
	(void)state;
	pair_init(0);
	assert_int_equal(vchan_ring_read_frame(&p.writer, -1, VXN_F_STDOUT, 0,
					       VXN_FRAME_MAX_PAYLOAD + 1), -1);
	assert_int_equal(vchan_ring_read_frame(&p.writer, -1, VXN_F_STDOUT, 0, 0), -1);
	assert_int_equal(vchan_ring_ready(&p.reader, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frame_across_the_end_of_the_ring_reads_back_whole),
		cmocka_unit_test(contiguous_span_is_one_piece_at_the_write_position),
		cmocka_unit_test(indexes_that_make_no_sense_give_neither_room_nor_data),
		cmocka_unit_test(short_of_room_or_data_asks_the_peer_to_notify),
		cmocka_unit_test(read_frame_puts_a_whole_frame_from_a_pipe_across_the_end),
		cmocka_unit_test(read_frame_refuses_a_payload_over_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
