/* The monitor's side of the channel against a hostile guest, without Xen:
 * monitor/channel.c over a ring pair in ordinary memory that the guest (the
 * input) fills with anything and whose shared indexes it sets to anything
 * (prod, and the cons fields the monitor also reads), then the frames the
 * monitor takes out go where monitor.c sends them: exec streams, ps and
 * stats replies and their credit to monitor/monitor_exec.c, main-stream
 * EXIT, CREDIT and ERROR to their decoders. Meanwhile the monitor sends
 * (stdin, queries, credit) into the guest's ring, and exec clients send
 * it messages of their own.
 *
 * The input is a script: one opcode byte, then its arguments. Each ring's
 * memory is an exact-size heap block, so ASan sees any access outside it.
 *
 * struct channel is private to channel.c, so this harness compiles
 * channel.c itself (the real code, not a copy) to build one around the
 * fake rings. The event channel is replaced below: notifications are
 * counted, not sent. */
#include "fuzz.h"

#include "../../monitor/channel.c"

#include <sys/socket.h>

#include "credit.h"
#include "monitor_exec.h"

/* guest -> host holds the largest frame; host -> guest is small, so that
 * the monitor's outgoing buffer (4 frames) can outgrow it */
#define READ_ORDER 17
#define WRITE_ORDER 12
#define SIDE_MAX 4  /* exec clients, and ps/stats callers, per input */

static unsigned long notifications;

/* libxenvchan's and vchan-ring.c's one way to reach the event channel */
int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	(void)xce, (void)port;
	notifications++;
	return 0;
}

struct script {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct script *s, int bytes)
{
	uint32_t v = 0;

	for (int i = 0; i < bytes && s->n; i++, s->p++, s->n--)
		v |= (uint32_t)*s->p << (8 * i);
	return v;
}

struct rig {
	struct vchan_interface iface;
	struct libxenvchan vc;
	struct channel *ch;
	struct exec_links x;
	int clients[2 * SIDE_MAX];  /* the far ends of exec links and queries */
	int nclients;
	int links, queries;
};

/* The rings and the channel are allocated once (they are large) and
 * cleared for each input, so that a run depends on its input only. */
static void rig_init(struct rig *r)
{
	static uint8_t *read_ring, *write_ring;
	static struct channel *ch;

	if (!ch) {
		read_ring = malloc(1u << READ_ORDER);
		write_ring = malloc(1u << WRITE_ORDER);
		ch = malloc(sizeof *ch);
		must(read_ring && write_ring && ch);
	}
	memset(r, 0, sizeof *r);
	memset(read_ring, 0, 1u << READ_ORDER);
	memset(write_ring, 0, 1u << WRITE_ORDER);
	r->vc.is_server = -1;  /* a signed one-bit field: "true" */
	r->vc.ring = &r->iface;
	r->vc.read = (struct libxenvchan_ring){ &r->iface.left, read_ring, READ_ORDER };
	r->vc.write = (struct libxenvchan_ring){ &r->iface.right, write_ring, WRITE_ORDER };
	r->iface.cli_live = 1;
	r->iface.srv_live = 1;
	r->ch = ch;
	ch->vc = &r->vc;
	ch->in_held = 0;
	ch->out_len = 0;
	execs_init(&r->x);
}

static void rig_free(struct rig *r)
{
	execs_close_all(&r->x);
	for (int i = 0; i < r->nclients; i++)
		close(r->clients[i]);
}

/* The guest writes n bytes at its producer index, as a well-behaved
 * writer would (the index may be anything the script set before). */
static void guest_write(struct rig *r, const uint8_t *p, size_t n)
{
	uint8_t *ring = r->vc.read.buffer;
	uint32_t mask = (1u << READ_ORDER) - 1;

	for (size_t i = 0; i < n; i++)
		ring[(r->iface.left.prod + i) & mask] = p[i];
	r->iface.left.prod += (uint32_t)n;
}

static void guest_frame(struct rig *r, struct script *s)
{
	uint8_t hdr[VXN_FRAME_HDR_BYTES];
	struct vxn_frame_hdr h = { .type = (uint8_t)take(s, 1), .stream = (uint16_t)take(s, 1) };
	size_t n = take(s, 1);

	if (h.stream == 0xff)
		h.stream = (uint16_t)take(s, 2);
	if (n == 0xff)
		n = take(s, 3) & 0x1ffff;  /* sometimes past the largest payload */
	h.len = (uint32_t)n;
	vxn_frame_hdr_encode(&h, hdr);
	guest_write(r, hdr, sizeof hdr);
	size_t have = n < s->n ? n : s->n;
	guest_write(r, s->p, have);
	s->p += have, s->n -= have;
	r->iface.left.prod += (uint32_t)(n - have);  /* the rest: whatever the ring holds */
}

/* What monitor.c does with a frame of the main stream. */
static void main_stream_frame(const struct vxn_frame_hdr *h, const uint8_t *p)
{
	char text[VXN_ERROR_MAX + 2];
	struct vxn_exit e;
	uint32_t more;

	switch (h->type) {
	case VXN_F_EXIT:
		if (vxn_exit_decode(p, h->len, &e) == 0)
			must(vxn_exit_status(&e) <= 255);
		break;
	case VXN_F_CREDIT:
		if (vxn_credit_decode(p, h->len, &more) == 0)
			must(vxn_credit_add(VXN_STDIN_WINDOW / 2, more, VXN_STDIN_WINDOW) <=
			     VXN_STDIN_WINDOW);
		break;
	case VXN_F_ERROR:
		if (vxn_error_text_decode(p, h->len, text, sizeof text) == 0)
			must(strlen(text) == h->len);
		break;
	default: {
		/* STDOUT, STDERR: the payload goes out untouched (outbuf) */
		volatile uint8_t sink = 0;
		for (uint32_t i = 0; i < h->len; i++)
			sink ^= p[i];
		(void)sink;
	}
	}
}

static void monitor_pump(struct rig *r)
{
	struct vxn_frame_hdr h;
	const uint8_t *p;
	struct vxn_err err;

	for (int i = 0; i < 64; i++) {
		int k = channel_next_frame(r->ch, &h, &p, &err);
		if (k <= 0) {
			must(k == 0 || err.msg[0]);
			return;
		}
		must(h.len <= VXN_FRAME_MAX_PAYLOAD);
		if (h.stream != 0 || h.type == VXN_F_PS_REPLY || h.type == VXN_F_STATS_REPLY)
			execs_guest_frame(&r->x, r->ch, &h, p);
		else
			main_stream_frame(&h, p);
	}
}

static void monitor_send_stdin(struct rig *r, size_t n)
{
	static uint8_t payload[VXN_FRAME_MAX_PAYLOAD];
	struct vxn_err err;

	/* monitor.c sends stdin only while the outgoing buffer takes the frame */
	if (n <= VXN_FRAME_MAX_PAYLOAD && channel_out_space(r->ch) >= VXN_FRAME_HDR_BYTES + n)
		must(channel_send(r->ch, VXN_F_STDIN, 0, payload, (uint32_t)n, &err) == 0 ||
		     err.msg[0]);
}

static int pair(struct rig *r)
{
	int sv[2];

	if (r->nclients >= 2 * SIDE_MAX ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return -1;
	r->clients[r->nclients++] = sv[1];
	return sv[0];
}

static void side_query(struct rig *r, uint8_t what)
{
	int fd;

	if (r->queries < SIDE_MAX && (fd = pair(r)) >= 0) {
		r->queries++;
		execs_query(&r->x, r->ch, fd, what & 1 ? VXN_F_STATS_REQUEST : VXN_F_PS_REQUEST);
	}
}

static void side_exec(struct rig *r)
{
	int fd;

	if (r->links < SIDE_MAX && (fd = pair(r)) >= 0) {
		r->links++;
		if (execs_adopt(&r->x, fd) < 0)
			close(fd);
		else
			r->x.l[r->links - 1].started = true;
	}
}

/* The clients read what they were sent; the monitor then flushes. */
static void side_drain(struct rig *r)
{
	static uint8_t buf[VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD + 16];
	struct pollfd fds[EXEC_LINKS_MAX];
	int n = 0;

	for (int i = 0; i < r->nclients; i++)
		while (recv(r->clients[i], buf, sizeof buf, MSG_DONTWAIT) > 0)
			;
	execs_poll_add(&r->x, fds, &n, EXEC_LINKS_MAX, true);
	for (int i = 0; i < n; i++)
		fds[i].revents = fds[i].fd >= 0 ? POLLOUT : 0;
	execs_poll_done(&r->x, r->ch, fds);
}

/* An exec client (`vxn exec`, the user's side) sends one message: any
 * bytes, which the monitor checks before any reach the guest. */
static void side_send(struct rig *r, struct script *s)
{
	struct pollfd fds[EXEC_LINKS_MAX];
	size_t n = take(s, 1);
	int i = (int)take(s, 1), k = 0;

	if (n == 0xff)
		n = take(s, 3) & 0x1ffff;
	n = n < s->n ? n : s->n;
	if (r->nclients && send(r->clients[i % r->nclients], s->p, n, MSG_DONTWAIT) < 0)
		n = 0;
	s->p += n, s->n -= n;
	execs_poll_add(&r->x, fds, &k, EXEC_LINKS_MAX, true);
	for (int j = 0; j < k; j++)
		fds[j].revents = fds[j].fd >= 0 ? POLLIN : 0;
	execs_poll_done(&r->x, r->ch, fds);
}

static void step(struct rig *r, struct script *s)
{
	struct vxn_err err;
	uint32_t credit = 0;

	switch (take(s, 1) % 13) {
	case 0: guest_frame(r, s); break;
	case 1: r->iface.left.prod = take(s, 4); break;   /* a lying producer */
	case 2: r->iface.left.cons = take(s, 4); break;   /* our consumer index, rewritten */
	case 3: r->iface.right.cons = take(s, 4); break;  /* a lying consumer */
	case 4: r->iface.right.cons += take(s, 2); break; /* the guest reads */
	case 5: monitor_pump(r); break;
	case 6: monitor_send_stdin(r, take(s, 2) + take(s, 1)); break;
	case 7: must(channel_flush(r->ch, &err) == 0 || err.msg[0]); break;
	case 8: side_query(r, (uint8_t)take(s, 1)); break;
	case 9: side_exec(r); break;
	case 10: side_drain(r); break;
	case 11: side_send(r, s); break;
	default:
		credit = take(s, 3);
		credit_give(r->ch, (uint16_t)take(s, 1), &credit);
		r->iface.srv_notify = (uint8_t)take(s, 1);  /* the guest asks for events */
		r->iface.cli_live = (uint8_t)take(s, 1) != 0xff;
		break;
	}
	/* what the monitor promises whatever the guest did */
	must(channel_out_pending(r->ch) <= OUT_CAP);
	must(r->ch->in_held <= VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s = { data, size };
	static struct rig r;

	rig_init(&r);
	for (int steps = 0; s.n && steps < 256; steps++)
		step(&r, &s);
	monitor_pump(&r);
	rig_free(&r);
	return 0;
}
