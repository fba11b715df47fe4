/* monitor/channel.c's reading side: frames taken from the guest's ring in
 * place. The channel is wrapped around an in-memory ring (its struct is
 * private, so this file includes channel.c) into which the test writes as
 * the guest would. Half a frame waits for the rest, a guest that closes
 * mid-frame leaves it unread, a header the decoder refuses is a protocol
 * error, and whatever the monitor parses is a copy out of the ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../monitor/channel.c"

#define ORDER 12
#define SIZE (1u << ORDER)
#define HDR VXN_FRAME_HDR_BYTES

static struct {
	struct vchan_interface iface;
	uint8_t buffer[SIZE];
	struct libxenvchan server;
	struct channel ch;
} t;

static uint8_t data[1000];

/* The channel over an empty ring whose indexes start at `start`. */
static struct channel *ring_at(uint32_t start)
{
	memset(&t, 0, sizeof t);
	t.iface.left.prod = t.iface.left.cons = start;
	t.iface.cli_live = 1;
	t.server.is_server = 1;
	t.server.ring = &t.iface;
	t.server.read = (struct libxenvchan_ring){ &t.iface.left, t.buffer, ORDER };
	t.ch.vc = &t.server;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	return &t.ch;
}

/* The guest publishes n more bytes (no event: the test polls nothing). */
static void guest_writes(const void *bytes, size_t n)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++)
		t.buffer[(t.iface.left.prod + i) % SIZE] = b[i];
	__atomic_fetch_add(&t.iface.left.prod, (uint32_t)n, __ATOMIC_SEQ_CST);
}

static void guest_header(uint8_t type, uint32_t len)
{
	uint8_t hdr[HDR];

	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = type, .len = len }, hdr);
	guest_writes(hdr, sizeof hdr);
}

/* A frame of len data bytes, of which the guest writes the first n. */
static void guest_output(uint8_t type, uint32_t len, size_t n)
{
	guest_header(type, len);
	guest_writes(data, n);
}

/* What channel_next_frame gave last. */
static struct vxn_frame_hdr h;
static const uint8_t *p;
static struct vxn_err err;

static int next_frame(struct channel *ch)
{
	return channel_next_frame(ch, &h, &p, &err);
}

static void half_a_frame_waits_for_the_rest(void **state)
{
	struct channel *ch = ring_at(0);

	(void)state;
	guest_output(VXN_F_STDOUT, 100, 50);
	assert_int_equal(next_frame(ch), 0);
	assert_int_equal(t.iface.left.cons, 0);  /* nothing taken */
	guest_writes(data + 50, 50);
	assert_int_equal(next_frame(ch), 1);
	assert_int_equal(h.type, VXN_F_STDOUT);
	assert_int_equal(h.len, 100);
	assert_memory_equal(p, data, 100);
	assert_ptr_equal(p, t.buffer + HDR);  /* output passes in place */
	assert_int_equal(next_frame(ch), 0);
	assert_int_equal(t.iface.left.cons, HDR + 100);  /* given back */
}

static void guest_closing_mid_frame_leaves_it_unread(void **state)
{
	struct channel *ch = ring_at(0);

	(void)state;
	guest_output(VXN_F_STDERR, 300, 299);
	assert_false(channel_peer_closed(ch));
	t.iface.cli_live = 0;
	assert_int_equal(next_frame(ch), 0);
	assert_true(channel_peer_closed(ch));
	assert_int_equal(t.iface.left.cons, 0);
}

static void refused_header_is_a_protocol_error(void **state)
{
	struct channel *ch = ring_at(0);
	uint8_t bad[HDR] = { 0 };

	(void)state;
	guest_header(VXN_F_STDOUT, VXN_FRAME_MAX_PAYLOAD + 1);
	assert_int_equal(next_frame(ch), -1);
	assert_int_equal(err.errnum, EPROTO);
	ch = ring_at(0);
	bad[0] = 0xee;  /* no such type */
	guest_writes(bad, sizeof bad);
	assert_int_equal(next_frame(ch), -1);
}

/* A frame that gets parsed (a CREDIT) and output that wraps around the
 * ring's end are copies: the guest cannot change them under the monitor. */
static void parsed_and_wrapped_payloads_are_copies(void **state)
{
	struct channel *ch = ring_at(SIZE - 20);
	uint8_t c[VXN_CREDIT_BYTES];
	uint32_t more;

	(void)state;
	guest_output(VXN_F_STDOUT, 100, 100);  /* from 12 bytes before the end */
	vxn_credit_encode(4096, c);
	guest_header(VXN_F_CREDIT, sizeof c);
	guest_writes(c, sizeof c);
	assert_int_equal(next_frame(ch), 1);
	assert_ptr_equal(p, ch->in);
	assert_memory_equal(p, data, 100);
	assert_int_equal(next_frame(ch), 1);
	assert_int_equal(h.type, VXN_F_CREDIT);
	assert_ptr_equal(p, ch->in);
	assert_int_equal(vxn_credit_decode(p, h.len, &more), 0);
	assert_int_equal(more, 4096);
	assert_int_equal(next_frame(ch), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(half_a_frame_waits_for_the_rest),
		cmocka_unit_test(guest_closing_mid_frame_leaves_it_unread),
		cmocka_unit_test(refused_header_is_a_protocol_error),
		cmocka_unit_test(parsed_and_wrapped_payloads_are_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
