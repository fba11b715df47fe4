/* common/rtnl.c: requests built within their buffer, attributes aligned,
 * one that does not fit refused whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rtnl.h"

static void test_init_and_attrs(void **state)
{
	struct rtnl_req q;
	uint32_t mtu = 1400;
	(void)state;

	rtnl_init(&q, RTM_NEWLINK, 0, sizeof q.u.i);
	assert_int_equal(q.h.nlmsg_type, RTM_NEWLINK);
	assert_int_equal(q.h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(q.h.nlmsg_len, NLMSG_LENGTH(sizeof(struct ifinfomsg)));
	assert_int_equal(rtnl_attr(&q, IFLA_IFNAME, "vif3.0", 7), 0);
	/* 7 bytes padded to 8 after a 4-byte header */
	assert_int_equal(q.h.nlmsg_len, NLMSG_LENGTH(sizeof(struct ifinfomsg)) + 12);
	assert_int_equal(rtnl_attr(&q, IFLA_MTU, &mtu, sizeof mtu), 0);
	struct rtattr *a = (struct rtattr *)((char *)&q + NLMSG_LENGTH(sizeof(struct ifinfomsg)));
	assert_int_equal(a->rta_type, IFLA_IFNAME);
	assert_int_equal(a->rta_len, RTA_LENGTH(7));
	assert_string_equal((char *)RTA_DATA(a), "vif3.0");
	a = (struct rtattr *)((char *)a + RTA_ALIGN(a->rta_len));
	assert_int_equal(a->rta_type, IFLA_MTU);
	assert_memory_equal(RTA_DATA(a), &mtu, sizeof mtu);
	assert_int_equal(q.h.nlmsg_len, NLMSG_LENGTH(sizeof(struct ifinfomsg)) + 12 + 8);
}

static void test_too_long_refused_whole(void **state)
{
	struct rtnl_req q;
	char big[sizeof q];
	(void)state;

	memset(big, 'x', sizeof big);
	rtnl_init(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof q.u.r);
	uint32_t before = q.h.nlmsg_len;
	assert_int_equal(q.h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(rtnl_attr(&q, RTA_DST, big, sizeof big), -1);
	assert_int_equal(q.h.nlmsg_len, before);
	/* filling it exactly fits; one byte more does not */
	size_t room = sizeof q - NLMSG_ALIGN(before) - RTA_LENGTH(0);
	assert_int_equal(rtnl_attr(&q, RTA_DST, big, room + 1), -1);
	assert_int_equal(rtnl_attr(&q, RTA_DST, big, room), 0);
	assert_true(q.h.nlmsg_len <= sizeof q);
	assert_int_equal(rtnl_attr(&q, RTA_OIF, big, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_attrs),
		cmocka_unit_test(test_too_long_refused_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
