/* proto/dns.c: the DNS_QUERY/DNS_REPLY payload (round trips, bounds, the
 * frame header's limit), and guest-init's side of the DNS relay
 * (guest-init/dns.c): the resolv.conf check, queries into frames, replies
 * to the client that asked. Decodes run on exact-size heap copies so ASan
 * catches a read past them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns.h"
#include "vxn-proto.h"

static uint8_t *copy(const uint8_t *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	assert_non_null(c);
	memcpy(c, p, len);
	return c;
}

static void test_round_trip(void **state)
{
	(void)state;
	uint8_t msg[VXN_DNS_MSG_MAX], out[VXN_DNS_MAX_BYTES];
	const uint8_t *m;
	size_t mlen;
	uint32_t id;

	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7);
	size_t sizes[] = { VXN_DNS_MSG_MIN, 512, VXN_DNS_MSG_MAX };
	for (size_t k = 0; k < 3; k++) {
		size_t n = vxn_dns_encode(0xa1b2c3d4u, msg, sizes[k], out, sizeof out);
		assert_int_equal(n, VXN_DNS_ID_BYTES + sizes[k]);
		assert_int_equal(out[0], 0xd4);  /* little-endian id */
		uint8_t *c = copy(out, n);
		assert_int_equal(vxn_dns_decode(c, n, &id, &m, &mlen), 0);
		assert_int_equal(id, 0xa1b2c3d4u);
		assert_int_equal(mlen, sizes[k]);
		assert_memory_equal(m, msg, mlen);
		assert_ptr_equal(m, c + VXN_DNS_ID_BYTES);
		free(c);
	}
	assert_int_equal(vxn_dns_msg_id(msg), (uint16_t)(msg[0] << 8 | msg[1]));
}

static void test_encode_bounds(void **state)
{
	(void)state;
	static uint8_t msg[VXN_DNS_MSG_MAX + 1], out[VXN_DNS_MAX_BYTES + 1];

	assert_int_equal(vxn_dns_encode(1, msg, VXN_DNS_MSG_MIN - 1, out, sizeof out), 0);
	assert_int_equal(vxn_dns_encode(1, msg, VXN_DNS_MSG_MAX + 1, out, sizeof out), 0);
	assert_int_equal(vxn_dns_encode(1, msg, 100, out, VXN_DNS_ID_BYTES + 99), 0);
	assert_int_equal(vxn_dns_encode(1, msg, 100, out, VXN_DNS_ID_BYTES + 100), 104);
}

static void test_decode_refuses(void **state)
{
	(void)state;
	static uint8_t p[VXN_DNS_MAX_BYTES + 1];
	size_t bad[] = { 0, 1, 3, VXN_DNS_ID_BYTES, VXN_DNS_ID_BYTES + VXN_DNS_MSG_MIN - 1,
			 VXN_DNS_MAX_BYTES + 1 };
	const uint8_t *m;
	size_t mlen;
	uint32_t id;

	memset(p, 0xff, sizeof p);
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		uint8_t *c = copy(p, bad[k]);
		assert_int_equal(vxn_dns_decode(c, bad[k], &id, &m, &mlen), -EPROTO);
		assert_null(m);
		assert_int_equal(mlen, 0);
		assert_int_equal(id, 0);
		free(c);
	}
}

/* The header's limit for the type: a frame longer than one message is
 * refused before its payload is read. */
static void test_frame_limit(void **state)
{
	(void)state;
	uint8_t hdr[VXN_FRAME_HDR_BYTES];
	struct vxn_frame_hdr h;
	uint8_t types[] = { VXN_F_DNS_QUERY, VXN_F_DNS_REPLY };

	for (size_t k = 0; k < 2; k++) {
		h = (struct vxn_frame_hdr){ .type = types[k], .len = VXN_DNS_MAX_BYTES };
		vxn_frame_hdr_encode(&h, hdr);
		assert_int_equal(vxn_frame_hdr_decode(hdr, &h), 0);
		h = (struct vxn_frame_hdr){ .type = types[k], .len = VXN_DNS_MAX_BYTES + 1 };
		vxn_frame_hdr_encode(&h, hdr);
		assert_int_equal(vxn_frame_hdr_decode(hdr, &h), -EPROTO);
	}
	h = (struct vxn_frame_hdr){ .type = VXN_F_RESOLV_CONF, .len = VXN_RESOLV_CONF_MAX };
	vxn_frame_hdr_encode(&h, hdr);
	assert_int_equal(vxn_frame_hdr_decode(hdr, &h), 0);
	h = (struct vxn_frame_hdr){ .type = VXN_F_RESOLV_CONF, .len = VXN_RESOLV_CONF_MAX + 1 };
	vxn_frame_hdr_encode(&h, hdr);
	assert_int_equal(vxn_frame_hdr_decode(hdr, &h), -EPROTO);
	h = (struct vxn_frame_hdr){ .type = VXN_F_TYPE_MAX + 1 };
	vxn_frame_hdr_encode(&h, hdr);
	assert_int_equal(vxn_frame_hdr_decode(hdr, &h), -EPROTO);
}

static void test_resolv_conf(void **state)
{
	(void)state;
	assert_true(dns_resolv_conf_names_resolver("nameserver 127.0.0.11\noptions ndots:0\n"));
	assert_true(dns_resolv_conf_names_resolver("search x\n  nameserver\t127.0.0.11  \n"));
	assert_true(dns_resolv_conf_names_resolver("nameserver 192.0.2.1\nnameserver 127.0.0.11"));
	assert_true(dns_resolv_conf_names_resolver("nameserver 127.0.0.11 # docker\r\n"));
	assert_false(dns_resolv_conf_names_resolver(""));
	assert_false(dns_resolv_conf_names_resolver("nameserver 127.0.0.1\n"));
	assert_false(dns_resolv_conf_names_resolver("nameserver 127.0.0.110\n"));
	assert_false(dns_resolv_conf_names_resolver("# nameserver 127.0.0.11\n"));
	assert_false(dns_resolv_conf_names_resolver("nameservers 127.0.0.11\n"));
	assert_false(dns_resolv_conf_names_resolver("nameserver127.0.0.11\n"));
	assert_false(dns_resolv_conf_names_resolver("search 127.0.0.11\n"));
}

/* A UDP socket on 127.0.0.1 (a free port): the relay's socket, or a client. */
static int udp_socket(struct sockaddr_in *a)
{
	socklen_t len = sizeof *a;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)a, sizeof *a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)a, &len), 0);
	return fd;
}

static uint8_t out_storage[4 * VXN_DNS_MAX_BYTES + FRAME_CONTROL_RESERVE];

struct guest_fixture {
	struct guest_dns d;
	struct sockaddr_in relay_addr, client_addr;
	int client;
	struct byteq out;
};

static int guest_setup(void **state)
{
	static struct guest_fixture f;

	dns_guest_init(&f.d);
	f.d.fd = udp_socket(&f.relay_addr);
	f.client = udp_socket(&f.client_addr);
	f.out = (struct byteq){ out_storage, sizeof out_storage, 0 };
	*state = &f;
	return 0;
}

static int guest_teardown(void **state)
{
	struct guest_fixture *f = *state;

	close(f->d.fd);
	close(f->client);
	return 0;
}

static void client_ask(struct guest_fixture *f, const uint8_t *msg, size_t len)
{
	assert_int_equal(sendto(f->client, msg, len, 0, (struct sockaddr *)&f->relay_addr,
				sizeof f->relay_addr), (ssize_t)len);
}

/* The first frame queued for the host, a DNS_QUERY: its id; dropped. */
static uint32_t take_query(struct guest_fixture *f, const uint8_t *msg, size_t len)
{
	struct vxn_frame_hdr h;
	const uint8_t *p, *m;
	size_t mlen;
	uint32_t id;

	assert_int_equal(frame_peek(&f->out, &h, &p), 1);
	assert_int_equal(h.type, VXN_F_DNS_QUERY);
	assert_int_equal(h.stream, 0);
	assert_int_equal(vxn_dns_decode(p, h.len, &id, &m, &mlen), 0);
	assert_int_equal(mlen, len);
	assert_memory_equal(m, msg, len);
	byteq_drop(&f->out, VXN_FRAME_HDR_BYTES + h.len);
	return id;
}

static void test_guest_query_and_reply(void **state)
{
	struct guest_fixture *f = *state;
	uint8_t q[40] = { 0x12, 0x34, 1 }, a[60] = { 0x12, 0x34, 0x81 }, got[100];
	uint8_t payload[VXN_DNS_MAX_BYTES];

	client_ask(f, q, sizeof q);
	dns_guest_read(&f->d, &f->out, 1000);
	uint32_t id = take_query(f, q, sizeof q);
	assert_int_equal(f->out.len, 0);
	/* a reply to nobody is dropped; a malformed one refused */
	size_t n = vxn_dns_encode(id + 1, a, sizeof a, payload, sizeof payload);
	assert_int_equal(dns_guest_reply(&f->d, payload, n), 0);
	assert_int_equal(dns_guest_reply(&f->d, payload, 3), -EPROTO);
	n = vxn_dns_encode(id, a, sizeof a, payload, sizeof payload);
	assert_int_equal(dns_guest_reply(&f->d, payload, n), 0);
	assert_int_equal(recv(f->client, got, sizeof got, MSG_DONTWAIT), (ssize_t)sizeof a);
	assert_memory_equal(got, a, sizeof a);
	/* answered once: the same reply again goes nowhere */
	assert_int_equal(dns_guest_reply(&f->d, payload, n), 0);
	assert_int_equal(recv(f->client, got, sizeof got, MSG_DONTWAIT), -1);
}

static void test_guest_drops(void **state)
{
	struct guest_fixture *f = *state;
	uint8_t small[VXN_DNS_MSG_MIN - 1] = { 0 }, q[VXN_DNS_MSG_MAX] = { 0 };

	/* shorter than a DNS header: not a query */
	client_ask(f, small, sizeof small);
	dns_guest_read(&f->d, &f->out, 1000);
	assert_int_equal(f->out.len, 0);
	/* what the queue cannot take beside the final reports is dropped */
	for (int i = 0; i < 5; i++)
		client_ask(f, q, sizeof q);
	dns_guest_read(&f->d, &f->out, 1000);
	assert_int_equal(f->out.len, 3 * (VXN_FRAME_HDR_BYTES + VXN_DNS_MAX_BYTES));
	f->out.len = 0;
}

/* More queries than slots: the ones waiting keep theirs until their
 * deadline, then are reused. */
static void test_guest_slots(void **state)
{
	struct guest_fixture *f = *state;
	uint8_t q[VXN_DNS_MSG_MIN] = { 0 };

	for (int i = 0; i < DNS_GUEST_PENDING; i++) {
		client_ask(f, q, sizeof q);
		dns_guest_read(&f->d, &f->out, 1000);
		take_query(f, q, sizeof q);
	}
	client_ask(f, q, sizeof q);
	dns_guest_read(&f->d, &f->out, 1000);
	assert_int_equal(f->out.len, 0);
	client_ask(f, q, sizeof q);
	dns_guest_read(&f->d, &f->out, 1000 + DNS_GUEST_TIMEOUT_MS);
	take_query(f, q, sizeof q);
}

static void test_guest_start(void **state)
{
	(void)state;
	char dir[] = "/tmp/vxn-test-dns.XXXXXX", path[64], link[80];
	struct vxn_err err = { 0 };
	struct guest_dns d;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/resolv.conf", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("nameserver 192.0.2.53\n", fp);
	fclose(fp);
	assert_int_equal(symlink(path, link), 0);
	/* not Docker's resolver, or no file: nothing bound */
	dns_guest_init(&d);
	assert_int_equal(dns_guest_start(&d, path, &err), 0);
	assert_int_equal(d.fd, -1);
	assert_int_equal(dns_guest_start(&d, link, &err), 0);
	assert_int_equal(dns_guest_start(&d, "/nonexistent/resolv.conf", &err), 0);
	assert_int_equal(d.fd, -1);
	/* the engine's file after its hooks replaces the copy; never through a
	 * symlink */
	static const char docker[] = "nameserver 127.0.0.11\noptions ndots:0\n";
	char back[128] = "";
	assert_int_equal(dns_resolv_conf_write(path, (const uint8_t *)docker, sizeof docker - 1,
					       &err), 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, sizeof back - 1, fp), sizeof docker - 1);
	fclose(fp);
	assert_string_equal(back, docker);
	assert_int_equal(dns_resolv_conf_write(link, (const uint8_t *)"x", 1, &err), -1);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_bounds),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_frame_limit),
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test_setup_teardown(test_guest_query_and_reply, guest_setup, guest_teardown),
		cmocka_unit_test_setup_teardown(test_guest_drops, guest_setup, guest_teardown),
		cmocka_unit_test_setup_teardown(test_guest_slots, guest_setup, guest_teardown),
		cmocka_unit_test(test_guest_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
