/* proto/net.c: the NET frame's payload, round trips and hostile input. Every
 * decode runs on an exact-size heap copy so ASan catches a read past it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vxn-proto.h"

static struct vxn_net sample(void)
{
	struct vxn_net n = { .has_nic = true, .mac = { 0x02, 0x42, 0xc6, 0x12, 0, 2 },
			     .mtu = 1500, .naddrs = 2, .nroutes = 2 };
	n.addrs[0] = (struct vxn_net_addr){ 4, 24, { 198, 18, 0, 2 } };
	n.addrs[1] = (struct vxn_net_addr){ 6, 64, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	n.routes[0] = (struct vxn_net_route){ .family = 4, .dst_len = 0, .has_gateway = true,
					      .gateway = { 198, 18, 0, 1 } };
	n.routes[1] = (struct vxn_net_route){ .family = 4, .dst_len = 24, .dst = { 198, 18, 0 } };
	return n;
}

static int decode_copy(const uint8_t *p, size_t len, struct vxn_net *n)
{
	uint8_t *c = malloc(len ? len : 1);
	assert_non_null(c);
	memcpy(c, p, len);
	int r = vxn_net_decode(c, len, n);
	free(c);
	return r;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct vxn_net a = sample(), b;
	uint8_t buf[VXN_NET_MAX_BYTES];
	size_t len = vxn_net_encode(&a, buf, sizeof buf);

	assert_int_equal(len, 13 + 2 * VXN_NET_ADDR_BYTES + 2 * VXN_NET_ROUTE_BYTES);
	assert_int_equal(decode_copy(buf, len, &b), 0);
	assert_memory_equal(&a, &b, sizeof a);
}

static void test_no_nic(void **state)
{
	(void)state;
	struct vxn_net a = { 0 }, b;
	uint8_t buf[VXN_NET_MAX_BYTES];
	size_t len = vxn_net_encode(&a, buf, sizeof buf);

	assert_int_equal(len, 13);
	assert_int_equal(decode_copy(buf, len, &b), 0);
	assert_false(b.has_nic);
	a.mtu = 1500;  /* no NIC carries nothing else */
	assert_int_equal(vxn_net_encode(&a, buf, sizeof buf), 0);
}

static void test_full_lists(void **state)
{
	(void)state;
	struct vxn_net a = sample(), b;
	uint8_t buf[VXN_NET_MAX_BYTES];

	a.naddrs = VXN_NET_MAX_ADDRS;
	a.nroutes = VXN_NET_MAX_ROUTES;
	for (unsigned i = 2; i < VXN_NET_MAX_ADDRS; i++)
		a.addrs[i] = a.addrs[0];
	for (unsigned i = 2; i < VXN_NET_MAX_ROUTES; i++)
		a.routes[i] = a.routes[1];
	size_t len = vxn_net_encode(&a, buf, sizeof buf);
	assert_int_equal(len, VXN_NET_MAX_BYTES);
	assert_int_equal(decode_copy(buf, len, &b), 0);
	a.naddrs = VXN_NET_MAX_ADDRS + 1;
	assert_int_equal(vxn_net_encode(&a, buf, sizeof buf), 0);
}

static void test_truncated_and_trailing(void **state)
{
	(void)state;
	struct vxn_net a = sample(), b;
	uint8_t buf[VXN_NET_MAX_BYTES + 1];
	size_t len = vxn_net_encode(&a, buf, sizeof buf);

	for (size_t n = 0; n < len; n++)
		assert_int_equal(decode_copy(buf, n, &b), -EPROTO);
	buf[len] = 0;
	assert_int_equal(decode_copy(buf, len + 1, &b), -EPROTO);
}

/* Each corruption of a valid encoding at OFF to VAL is refused. */
static void expect_refused(size_t off, uint8_t val)
{
	struct vxn_net a = sample(), b;
	uint8_t buf[VXN_NET_MAX_BYTES];
	size_t len = vxn_net_encode(&a, buf, sizeof buf);

	assert_true(off < len);
	buf[off] = val;
	assert_int_equal(decode_copy(buf, len, &b), -EPROTO);
	assert_false(b.has_nic);  /* nothing half-decoded is left */
}

static void test_hostile_fields(void **state)
{
	(void)state;
	size_t a0 = 13, a1 = a0 + VXN_NET_ADDR_BYTES, r0 = a0 + 2 * VXN_NET_ADDR_BYTES;

	expect_refused(0, 2);           /* has_nic not a bool */
	expect_refused(1, 0x03);        /* multicast MAC */
	expect_refused(9, 1);           /* MTU above 65535 */
	expect_refused(11, 17);         /* too many addresses */
	expect_refused(12, 33);         /* too many routes */
	expect_refused(a0, 5);          /* unknown family */
	expect_refused(a0 + 1, 33);     /* IPv4 prefix over 32 */
	expect_refused(a0 + 2 + 4, 1);  /* bytes past an IPv4 address */
	expect_refused(a1 + 1, 129);    /* IPv6 prefix over 128 */
	expect_refused(r0 + 2, 2);      /* gateway flag not a bool */
	expect_refused(r0 + 1, 40);     /* route prefix over 32 */
	expect_refused(r0 + VXN_NET_ROUTE_BYTES + 3 + 16, 1);  /* gateway without the flag */
}

static void test_mtu_below_minimum(void **state)
{
	(void)state;
	struct vxn_net a = sample(), b;
	uint8_t buf[VXN_NET_MAX_BYTES];

	a.mtu = 300;  /* 0x012c: without its high byte, 44 */
	size_t len = vxn_net_encode(&a, buf, sizeof buf);
	buf[8] = 0;
	assert_int_equal(decode_copy(buf, len, &b), -EPROTO);
	a.mtu = VXN_NET_MTU_MIN - 1;
	assert_int_equal(vxn_net_encode(&a, buf, sizeof buf), 0);
}

static void test_encode_needs_room(void **state)
{
	(void)state;
	struct vxn_net a = sample();
	uint8_t buf[VXN_NET_MAX_BYTES];

	assert_int_equal(vxn_net_encode(&a, buf, sizeof buf - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_nic),
		cmocka_unit_test(test_full_lists),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_mtu_below_minimum),
		cmocka_unit_test(test_encode_needs_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
