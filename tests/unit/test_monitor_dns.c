/* monitor_dns: the monitor's half of the DNS relay. Where the resolver
 * answers (from /proc/net/udp's text), and queries over an in-memory
 * channel (fake_channel.h) to a stand-in resolver on 127.0.0.11 in the
 * test's network namespace: answers go back with the guest's id, a reply
 * to another query is not an answer, and the limits (queries waiting,
 * queries a second, malformed payloads) hold. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_channel.h"
#include "monitor_dns.h"

#define UDP_HEAD "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
#define UDP_LINE(local, remote, st) \
	"  123: " local " " remote " " st " 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 0\n"

static void test_resolver_port(void **state)
{
	(void)state;
	/* Docker's resolver on a random port (the DNAT made 53 of it) */
	assert_int_equal(dns_resolver_port(UDP_HEAD UDP_LINE("0B00007F:A157", "00000000:0000", "07")),
			 0xa157);
	/* a socket on 127.0.0.11:53 itself wins */
	assert_int_equal(dns_resolver_port(UDP_HEAD UDP_LINE("0B00007F:A157", "00000000:0000", "07")
					   UDP_LINE("0B00007F:0035", "00000000:0000", "07")),
			 53);
	/* none, a connected one, another address, two candidates: 53 */
	assert_int_equal(dns_resolver_port(UDP_HEAD), 53);
	assert_int_equal(dns_resolver_port(""), 53);
	assert_int_equal(dns_resolver_port(UDP_HEAD UDP_LINE("0B00007F:A157", "0100007F:1234", "01")),
			 53);
	assert_int_equal(dns_resolver_port(UDP_HEAD UDP_LINE("0100007F:A157", "00000000:0000", "07")),
			 53);
	assert_int_equal(dns_resolver_port(UDP_HEAD UDP_LINE("0B00007F:A157", "00000000:0000", "07")
					   UDP_LINE("0B00007F:A158", "00000000:0000", "07")),
			 53);
	assert_int_equal(dns_resolver_port("garbage\n\n  1: zz\n"), 53);
}

struct fixture {
	struct mon_dns d;
	struct channel *ch;
	int resolver;     /* the stand-in, on 127.0.0.11 */
};

static int setup(void **state)
{
	static struct fixture f;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;

	inet_pton(AF_INET, VXN_DNS_RESOLVER, &a.sin_addr);
	f.resolver = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(f.resolver >= 0);
	assert_int_equal(bind(f.resolver, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(f.resolver, (struct sockaddr *)&a, &len), 0);
	f.ch = fake_channel_new(1u << 20);
	dns_init(&f.d);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dns_close(&f->d);
	fake_channel_free(f->ch);
	close(f->resolver);
	return 0;
}

/* The guest asks: a DNS_QUERY payload with this id and DNS message id. */
static bool guest_asks(struct fixture *f, uint32_t id, uint16_t msg_id, long now)
{
	uint8_t msg[30] = { (uint8_t)(msg_id >> 8), (uint8_t)msg_id, 1 }, p[VXN_DNS_MAX_BYTES];
	size_t n = vxn_dns_encode(id, msg, sizeof msg, p, sizeof p);

	return dns_guest_query(&f->d, p, n, now);
}

/* The stand-in answers the next query it has (with msg_id, or the query's
 * own when msg_id < 0): 1, or 0 when none came. */
static int resolver_answers(struct fixture *f, int msg_id)
{
	uint8_t q[VXN_DNS_MSG_MAX];
	struct sockaddr_in from;
	socklen_t flen = sizeof from;
	ssize_t n = recvfrom(f->resolver, q, sizeof q, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

	if (n < 0)
		return 0;
	assert_int_equal(n, 30);
	if (msg_id >= 0) {
		q[0] = (uint8_t)(msg_id >> 8);
		q[1] = (uint8_t)msg_id;
	}
	q[2] = 0x81;  /* an answer */
	assert_int_equal(sendto(f->resolver, q, 20, 0, (struct sockaddr *)&from, flen), 20);
	return 1;
}

/* One round of the monitor's loop for the queries (monitor_loop.c). */
static void round_once(struct fixture *f, long now, int wait_ms)
{
	struct pollfd fds[DNS_PENDING_MAX];
	int n = 0;

	dns_poll_add(&f->d, fds, &n);
	assert_int_equal(n, DNS_PENDING_MAX);
	assert_true(poll(fds, (nfds_t)n, wait_ms) >= 0);
	dns_poll_done(&f->d, f->ch, fds, now);
}

static int waiting(const struct fixture *f)
{
	int k = 0;

	for (int i = 0; i < DNS_PENDING_MAX; i++)
		k += f->d.q[i].fd >= 0;
	return k;
}

/* The DNS_REPLY frames the guest got: their count; the last one's id. */
static int replies(const struct fixture *f, uint32_t *last_id)
{
	struct fake_frame fr = { 0 };
	const uint8_t *m;
	size_t mlen;
	int k = 0;

	while (fake_channel_guest_frame(f->ch, &fr)) {
		assert_int_equal(fr.h.type, VXN_F_DNS_REPLY);
		assert_int_equal(fr.h.stream, 0);
		assert_int_equal(vxn_dns_decode(fr.p, fr.h.len, last_id, &m, &mlen), 0);
		assert_int_equal(mlen, 20);
		assert_int_equal(m[2], 0x81);
		k++;
	}
	return k;
}

static void test_answer(void **state)
{
	struct fixture *f = *state;
	uint32_t id = 0;

	assert_true(guest_asks(f, 77, 0xbeef, 10));
	assert_int_equal(waiting(f), 1);
	assert_int_equal(dns_timeout_ms(&f->d, 10), DNS_TIMEOUT_MS);
	assert_int_equal(resolver_answers(f, -1), 1);
	round_once(f, 20, 1000);
	assert_int_equal(replies(f, &id), 1);
	assert_int_equal(id, 77);
	assert_int_equal(waiting(f), 0);
	assert_int_equal(dns_timeout_ms(&f->d, 20), -1);
}

/* A reply whose DNS id is not the query's is no answer; past its deadline
 * the query is dropped, with nothing to the guest. */
static void test_wrong_id_then_timeout(void **state)
{
	struct fixture *f = *state;
	uint32_t id;

	assert_true(guest_asks(f, 5, 0x1111, 0));
	assert_int_equal(resolver_answers(f, 0x2222), 1);
	round_once(f, 100, 1000);
	assert_int_equal(waiting(f), 1);
	assert_int_equal(replies(f, &id), 0);
	round_once(f, DNS_TIMEOUT_MS, 0);
	assert_int_equal(waiting(f), 0);
	assert_int_equal(replies(f, &id), 0);
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	uint8_t p[VXN_DNS_ID_BYTES + VXN_DNS_MSG_MIN - 1] = { 0 };

	assert_false(dns_guest_query(&f->d, p, sizeof p, 0));
	assert_false(dns_guest_query(&f->d, p, 0, 0));
	assert_int_equal(waiting(f), 0);
	assert_int_equal(resolver_answers(f, -1), 0);
}

/* At most DNS_PENDING_MAX wait; the next is dropped, not asked. */
static void test_pending_cap(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i <= DNS_PENDING_MAX; i++)
		assert_true(guest_asks(f, (uint32_t)i, (uint16_t)i, 0));
	assert_int_equal(waiting(f), DNS_PENDING_MAX);
	int asked = 0;
	while (resolver_answers(f, 0xffff))  /* no query's id: none is answered */
		asked++;
	assert_int_equal(asked, DNS_PENDING_MAX);
}

/* At most DNS_RATE_MAX a second are asked, answered or not. */
static void test_rate(void **state)
{
	struct fixture *f = *state;
	uint32_t id;

	for (int i = 0; i < DNS_RATE_MAX; i++) {
		assert_true(guest_asks(f, (uint32_t)i, (uint16_t)i, 1000));
		assert_int_equal(resolver_answers(f, -1), 1);
		round_once(f, 1000, 1000);
	}
	assert_int_equal(replies(f, &id), DNS_RATE_MAX);
	assert_true(guest_asks(f, 9999, 1, 1999));
	assert_int_equal(waiting(f), 0);
	assert_int_equal(resolver_answers(f, -1), 0);
	assert_true(guest_asks(f, 10000, 2, 2000));
	assert_int_equal(waiting(f), 1);
	assert_int_equal(resolver_answers(f, -1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolver_port),
		cmocka_unit_test_setup_teardown(test_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_id_then_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
