/* Channel frames from a hostile guest (proto/frame.c): the header and every
 * payload decoder the monitor and guest-init run on what the other side
 * sent. The first input byte picks the decoder, the rest is the bytes, in
 * an exact-size heap copy so that ASan sees any read past the length.
 *
 * Beyond "no crash", what a decoder accepts must be what its encoder
 * writes: a header or payload that decodes re-encodes to the same bytes
 * (nothing accepted is ambiguous), every value is in its range, and credit
 * never grows past its window. */
#include "fuzz.h"
#include "vxn-proto.h"

static void header(const uint8_t *p, size_t n)
{
	struct vxn_frame_hdr h;
	uint8_t again[VXN_FRAME_HDR_BYTES];

	if (n < VXN_FRAME_HDR_BYTES || vxn_frame_hdr_decode(p, &h) != 0)
		return;
	must(h.type >= 1 && h.type <= VXN_F_TYPE_MAX && h.flags == 0);
	must(h.len <= VXN_FRAME_MAX_PAYLOAD);
	vxn_frame_hdr_encode(&h, again);
	must(memcmp(again, p, VXN_FRAME_HDR_BYTES) == 0);
}

static void fixed_payloads(uint8_t which, const uint8_t *p, size_t n)
{
	uint8_t again[VXN_GUEST_STATS_BYTES];

	switch (which % 5) {
	case 0: {
		struct vxn_winsize w;
		if (vxn_winsize_decode(p, n, &w) == 0)
			must(vxn_winsize_encode(&w, again) == n && !memcmp(again, p, n));
		break;
	}
	case 1: {
		struct vxn_signal s;
		if (vxn_signal_decode(p, n, &s) == 0) {
			must(s.signo >= 1 && s.signo <= 64);
			must(vxn_signal_encode(&s, again) == n && !memcmp(again, p, n));
		}
		break;
	}
	case 2: {
		struct vxn_exit e;
		if (vxn_exit_decode(p, n, &e) == 0) {
			int st = vxn_exit_status(&e);
			must(st >= 0 && st <= 255);
			must(vxn_exit_encode(&e, again) == n && !memcmp(again, p, n));
		}
		break;
	}
	case 3: {
		struct vxn_guest_stats s;
		if (vxn_guest_stats_decode(p, n, &s) == 0) {
			must(s.mem_free_kib <= s.mem_total_kib &&
			       s.mem_available_kib <= s.mem_total_kib);
			must(s.cpus_online >= 1 && s.cpus_online <= VXN_GUEST_CPUS_MAX);
			must(vxn_guest_stats_encode(&s, again) == n && !memcmp(again, p, n));
		}
		break;
	}
	default: {
		uint32_t more;
		if (vxn_credit_decode(p, n, &more) == 0) {
			must(more >= 1 && more <= VXN_STREAM_WINDOW);
			must(vxn_credit_encode(more, again) == n && !memcmp(again, p, n));
		}
		break;
	}
	}
}

/* Credit as both sides keep it: whatever the other side claims, a side
 * never holds more than its window. have comes from the input too. */
static void credit_sequence(const uint8_t *p, size_t n)
{
	uint32_t have[2] = { VXN_STREAM_WINDOW, VXN_STDIN_WINDOW };

	for (size_t i = 0; i + VXN_CREDIT_BYTES <= n; i += VXN_CREDIT_BYTES) {
		uint32_t more, window = (p[i] & 1) ? VXN_STDIN_WINDOW : VXN_STREAM_WINDOW;
		uint32_t *h = &have[p[i] & 1];
		if (vxn_credit_decode(p + i, VXN_CREDIT_BYTES, &more) != 0) {
			/* the sender spent what the bytes say, within what it had */
			uint32_t spent = (uint32_t)p[i + 1] << 12 | p[i + 2];
			*h -= spent < *h ? spent : *h;
			continue;
		}
		uint32_t before = *h;
		*h = vxn_credit_add(*h, more, window);
		must(*h <= window && *h >= before);
	}
}

static void text_payloads(const uint8_t *p, size_t n)
{
	char text[VXN_ERROR_MAX + 2];

	if (vxn_error_text_decode(p, n, text, sizeof text) == 0) {
		must(strlen(text) == n);
		for (size_t i = 0; i < n; i++)
			must(text[i] >= 0x20 && text[i] <= 0x7e);
	}
	if (vxn_ps_text_check(p, n) == 0) {
		/* what cmd_ps prints: lines of exactly "PID USER CMD" */
		must(n == 0 || p[n - 1] == '\n');
		must(memchr(p, '\0', n) == NULL);
	}
}

/* NET: the network description the monitor reads back from the state
 * directory and guest-init applies; what decodes re-encodes the same. */
static void net_payload(const uint8_t *p, size_t n)
{
	static uint8_t again[VXN_NET_MAX_BYTES];
	struct vxn_net net;

	if (vxn_net_decode(p, n, &net) != 0)
		return;
	must(net.naddrs <= VXN_NET_MAX_ADDRS && net.nroutes <= VXN_NET_MAX_ROUTES);
	must(!net.has_nic || (net.mtu >= VXN_NET_MTU_MIN && net.mtu <= VXN_NET_MTU_MAX));
	must(vxn_net_encode(&net, again, sizeof again) == n && !memcmp(again, p, n));
}

/* DNS_QUERY (from the guest) and DNS_REPLY: what decodes is an id and a
 * message within the bounds, pointing into the payload, and re-encodes the
 * same. */
static void dns_payload(const uint8_t *p, size_t n)
{
	static uint8_t again[VXN_DNS_MAX_BYTES];
	const uint8_t *msg;
	size_t len;
	uint32_t id;

	if (vxn_dns_decode(p, n, &id, &msg, &len) != 0) {
		must(msg == NULL && len == 0 && id == 0);
		return;
	}
	must(len >= VXN_DNS_MSG_MIN && len <= VXN_DNS_MSG_MAX);
	must(msg == p + VXN_DNS_ID_BYTES && len == n - VXN_DNS_ID_BYTES);
	must(vxn_dns_encode(id, msg, len, again, sizeof again) == n && !memcmp(again, p, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, n);
	switch (data[0] & 7) {
	case 0: header(p, n); break;
	case 1: fixed_payloads(data[0] >> 3, p, n); break;
	case 2: credit_sequence(p, n); break;
	case 3: text_payloads(p, n); break;
	case 4: net_payload(p, n); break;
	case 5: dns_payload(p, n); break;
	default: break;
	}
	free(p);
	return 0;
}
