/* monitor_exec: the monitor's relay between exec clients (a control
 * connection each: here one end of a socketpair) and the guest (an
 * in-memory channel, fake_channel.h). A client's stdin goes on only within
 * the window guest-init gives back and is never dropped; a client that
 * stops reading holds back its own stream's credit; a client that goes
 * away, or sends half a frame, has its process killed. */
#include <errno.h>
#include <fcntl.h>
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
#include "monitor_exec.h"
#include "pattern.h"

#define FRAME VXN_FRAME_MAX_PAYLOAD
#define HDR VXN_FRAME_HDR_BYTES

static uint8_t msg[HDR + FRAME];

struct fixture {
	struct exec_links x;
	struct channel *ch;
	int client;       /* the exec client's end */
};

/* One round of the monitor's loop for the exec links (monitor_loop.c). */
static void round_once(struct fixture *f)
{
	struct pollfd fds[EXEC_LINKS_MAX];
	int n = 0;
	bool room = channel_out_space(f->ch) >= HDR + FRAME;

	execs_poll_add(&f->x, fds, &n, EXEC_LINKS_MAX, room);
	assert_true(poll(fds, (nfds_t)n, 0) >= 0);
	execs_poll_done(&f->x, f->ch, fds);
}

/* One message from the client, as exec_client.c sends them; while its
 * socket is full, the monitor runs rounds (it may take them). */
static void client_send(struct fixture *f, uint8_t type, const void *p, uint32_t len)
{
	size_t len_msg = vxn_frame_put(msg, sizeof msg, type, 0, p, len);
	ssize_t n;

	assert_true(len_msg > 0);
	for (int tries = 0; tries < 100; tries++) {
		n = send(f->client, msg, len_msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0 || errno != EAGAIN)
			break;
		round_once(f);
	}
	assert_int_equal(n, (ssize_t)len_msg);
}

static void rounds(struct fixture *f, int k)
{
	while (k-- > 0)
		round_once(f);
}

static void guest_frame(struct fixture *f, uint8_t type, const void *p, uint32_t len,
			bool ok)
{
	struct vxn_frame_hdr h = { .type = type, .stream = 1, .len = len };

	assert_int_equal(execs_guest_frame(&f->x, f->ch, &h, p), ok);
}

static void guest_credit(struct fixture *f, uint32_t n, bool ok)
{
	uint8_t buf[VXN_CREDIT_BYTES];

	vxn_credit_encode(n, buf);
	guest_frame(f, VXN_F_CREDIT, buf, sizeof buf, ok);
}

struct seen {
	int starts, eofs, kills, credits;
	size_t stdin_bytes;
	uint64_t credit;
};

static struct seen guest_saw(const struct channel *ch)
{
	struct seen s = { 0 };
	struct vxn_signal sig;
	struct fake_frame f = { 0 };

	while (fake_channel_guest_frame(ch, &f)) {
		if (f.h.stream != 1)
			continue;  /* other streams' frames */
		if (f.h.type == VXN_F_EXEC_START || f.h.type == VXN_F_CTR_START ||
		    f.h.type == VXN_F_CTR_EXEC) {
			s.starts++;
		} else if (f.h.type == VXN_F_STDIN) {
			pattern_check(f.p, s.stdin_bytes, f.h.len);
			s.stdin_bytes += f.h.len;
		} else if (f.h.type == VXN_F_STDIN_EOF) {
			s.eofs++;
		} else if (f.h.type == VXN_F_SIGNAL) {
			assert_int_equal(vxn_signal_decode(f.p, f.h.len, &sig), 0);
			assert_int_equal(sig.signo, 9);
			s.kills++;
		} else {
			s.credit += fake_frame_credit(&f);
			s.credits++;
		}
	}
	return s;
}

/* A client whose EXEC_START went to the guest (stream 1). */
static struct fixture *started(size_t ring_room)
{
	struct fixture *f = calloc(1, sizeof *f);
	int sv[2];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	f->client = sv[0];
	f->ch = fake_channel_new(ring_room);
	execs_init(&f->x);
	assert_int_equal(execs_adopt(&f->x, sv[1]), 0);
	client_send(f, VXN_F_EXEC_START, "x", 1);
	rounds(f, 1);
	if (ring_room)
		assert_int_equal(guest_saw(f->ch).starts, 1);
	else
		assert_int_equal(channel_out_pending(f->ch), HDR + 1);
	return f;
}

static void finished(struct fixture *f)
{
	execs_close_all(&f->x);
	close(f->client);
	fake_channel_free(f->ch);
	free(f);
}

static uint8_t stdin_chunk[FRAME];

static void client_stdin(struct fixture *f, int frames, size_t *sent)
{
	for (int i = 0; i < frames; i++) {
		pattern_fill(stdin_chunk, *sent, FRAME);
		client_send(f, VXN_F_STDIN, stdin_chunk, FRAME);
		*sent += FRAME;
	}
}

/* The client's stdin: four frames (the window), then nothing until the
 * guest gives a frame back, then exactly one more. */
static void client_stdin_stops_at_the_window(void **state)
{
	struct fixture *f = started(8u << 20);
	size_t sent = 0;

	(void)state;
	client_stdin(f, 6, &sent);
	rounds(f, 10);
	assert_int_equal(guest_saw(f->ch).stdin_bytes, VXN_STDIN_WINDOW);
	assert_int_equal(f->x.l[0].stdin_credit, 0);
	guest_credit(f, FRAME - 1, true);  /* short of a frame */
	rounds(f, 3);
	assert_int_equal(guest_saw(f->ch).stdin_bytes, VXN_STDIN_WINDOW);
	guest_credit(f, 1, true);          /* now exactly a frame */
	rounds(f, 3);
	assert_int_equal(guest_saw(f->ch).stdin_bytes, VXN_STDIN_WINDOW + FRAME);
	client_send(f, VXN_F_STDIN_EOF, NULL, 0);
	guest_credit(f, VXN_STREAM_WINDOW, true);  /* more than the window: bounded */
	assert_int_equal(f->x.l[0].stdin_credit, VXN_STDIN_WINDOW);
	rounds(f, 3);
	struct seen g = guest_saw(f->ch);
	assert_int_equal(g.stdin_bytes, 6 * FRAME);
	assert_int_equal(g.eofs, 1);
	finished(f);
}

/* Credit the guest cannot have given is a protocol error. */
static void malformed_credit_is_refused(void **state)
{
	struct fixture *f = started(8u << 20);
	uint8_t buf[VXN_CREDIT_BYTES];

	(void)state;
	guest_credit(f, 0, false);
	vxn_credit_encode(5, buf);
	guest_frame(f, VXN_F_CREDIT, buf, 3, false);
	guest_frame(f, VXN_F_STDIN, buf, 3, false);  /* a host -> guest type */
	finished(f);
}

/* The channel fills between the poll and the read (credit frames): the
 * client's message stays in its socket, and goes when there is room. */
static void client_stdin_is_kept_when_the_channel_fills_after_poll(void **state)
{
	struct fixture *f = started(0);  /* the ring is full */
	struct pollfd fds[EXEC_LINKS_MAX];
	struct vxn_err err;
	static uint8_t filler[FRAME];
	uint8_t c[VXN_CREDIT_BYTES];
	size_t sent = 0;
	int n = 0;

	(void)state;
	client_stdin(f, 3, &sent);
	rounds(f, 2);  /* one message a round */
	/* another stream's frame: room left for one more message, and 5 bytes */
	size_t left = channel_out_space(f->ch) - (HDR + FRAME + 5);
	assert_int_equal(channel_send(f->ch, VXN_F_STDIN, 2, filler, (uint32_t)(left - HDR), &err),
			 0);
	assert_int_equal(channel_out_space(f->ch), HDR + FRAME + 5);
	execs_poll_add(&f->x, fds, &n, EXEC_LINKS_MAX, true);
	assert_int_equal(poll(fds, (nfds_t)n, 0), 1);
	vxn_credit_encode(4096, c);  /* queued meanwhile: another stream's credit */
	assert_int_equal(channel_send(f->ch, VXN_F_CREDIT, 3, c, sizeof c, &err), 0);
	execs_poll_done(&f->x, f->ch, fds);

	fake_channel_ring_add(f->ch, 8u << 20);
	assert_int_equal(channel_flush(f->ch, NULL), 0);
	rounds(f, 3);
	assert_int_equal(guest_saw(f->ch).stdin_bytes, 3 * FRAME);
	finished(f);
}

/* A client that stops reading: its frames wait in the monitor (a window at
 * most) and its stream gets no more credit than the socket took; once it
 * reads, the rest goes and the credit with it. A guest beyond its window
 * is a protocol error. */
static void stalled_client_holds_back_its_credit(void **state)
{
	struct fixture *f = started(8u << 20);
	static uint8_t out[FRAME], in[HDR + FRAME + 1];
	const int frames = (int)(VXN_STREAM_WINDOW / (HDR + FRAME));
	int sndbuf = 64 * 1024;

	(void)state;
	setsockopt(f->x.l[0].fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	for (int i = 0; i < frames; i++)
		guest_frame(f, VXN_F_STDOUT, out, FRAME, true);
	rounds(f, 3);
	struct seen g = guest_saw(f->ch);
	uint64_t owed = (uint64_t)frames * (HDR + FRAME);
	assert_true(g.credit < owed / 2);
	assert_true(f->x.l[0].q_len > 0);

	size_t got = 0;
	for (int r = 0; r < 1000 && got < (size_t)frames * (HDR + FRAME); r++) {
		ssize_t n = recv(f->client, in, sizeof in, MSG_DONTWAIT);
		if (n > 0)
			got += (size_t)n;
		round_once(f);
	}
	assert_int_equal(got, (size_t)frames * (HDR + FRAME));
	g = guest_saw(f->ch);
	assert_int_equal(g.credit + f->x.l[0].out_credit, owed);
	assert_true(f->x.l[0].out_credit < VXN_STREAM_WINDOW / 4);
	finished(f);
}

/* A guest that sends beyond the window to a client that does not read is
 * refused (a protocol error), after at most a window and what the socket
 * took. */
static void guest_beyond_the_window_is_refused(void **state)
{
	struct fixture *f = started(8u << 20);
	static uint8_t out[FRAME];
	struct vxn_frame_hdr h = { .type = VXN_F_STDOUT, .stream = 1, .len = FRAME };
	int sndbuf = 64 * 1024, accepted = 0;

	(void)state;
	setsockopt(f->x.l[0].fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	while (accepted < 100 && execs_guest_frame(&f->x, f->ch, &h, out))
		accepted++;
	assert_true(accepted >= (int)(VXN_STREAM_WINDOW / (HDR + FRAME)));
	assert_true(accepted <= (int)(VXN_STREAM_WINDOW / (HDR + FRAME)) + 4);
	finished(f);
}

/* The client goes away, or sends half a frame and goes: its process in the
 * guest is killed (nobody would read it or wait for it). */
static void client_gone_mid_frame_kills_its_process(void **state)
{
	struct fixture *f = started(8u << 20);

	(void)state;
	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = VXN_F_STDIN, .len = 100 }, msg);
	assert_int_equal(send(f->client, msg, HDR + 50, MSG_NOSIGNAL), HDR + 50);
	close(f->client);
	f->client = -1;
	rounds(f, 3);
	struct seen g = guest_saw(f->ch);
	assert_int_equal(g.kills, 1);
	assert_int_equal(g.stdin_bytes, 0);
	assert_int_equal(f->x.l[0].fd, -1);
	finished(f);

	f = started(8u << 20);
	close(f->client);
	f->client = -1;
	rounds(f, 3);
	assert_int_equal(guest_saw(f->ch).kills, 1);
	finished(f);
}

/* A client whose first frame is type (a pod's CTR_START or CTR_EXEC). */
static struct fixture *started_with(uint8_t type, const uint8_t *p, uint32_t len)
{
	struct fixture *f = calloc(1, sizeof *f);
	int sv[2];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	f->client = sv[0];
	f->ch = fake_channel_new(8u << 20);
	execs_init(&f->x);
	assert_int_equal(execs_adopt(&f->x, sv[1]), 0);
	client_send(f, type, p, len);
	rounds(f, 1);
	return f;
}

/* A pod's container, or a process in one, starts like an exec: the frame
 * goes to the guest as it came, on the link's stream, and the link is
 * then a process's like any other. */
static void pod_starts_are_first_frames(void **state)
{
	static const uint8_t types[] = { VXN_F_CTR_START, VXN_F_CTR_EXEC };
	uint8_t payload[64];
	struct fake_frame fr = { 0 };

	(void)state;
	pattern_fill(payload, 0, sizeof payload);
	for (size_t i = 0; i < sizeof types; i++) {
		struct fixture *f = started_with(types[i], payload, sizeof payload);
		assert_true(f->x.l[0].started);
		assert_int_equal(fake_channel_guest_frame(f->ch, &fr), 1);
		assert_int_equal(fr.h.type, types[i]);
		assert_int_equal(fr.h.stream, 1);
		assert_int_equal(fr.h.len, sizeof payload);
		pattern_check(fr.p, 0, fr.h.len);
		/* the guest's answers reach the client as for an exec */
		guest_frame(f, VXN_F_EXEC_STARTED, NULL, 0, true);
		struct vxn_frame_hdr h;
		assert_int_equal(recv(f->client, msg, sizeof msg, MSG_DONTWAIT), HDR);
		assert_int_equal(vxn_frame_hdr_decode(msg, &h), 0);
		assert_int_equal(h.type, VXN_F_EXEC_STARTED);
		client_send(f, VXN_F_STDIN, "in", 2);
		rounds(f, 1);
		assert_int_equal(fake_channel_guest_frame(f->ch, &fr), 1);
		assert_int_equal(fr.h.type, VXN_F_STDIN);
		assert_int_equal(fr.h.stream, 1);
		assert_memory_equal(fr.p, "in", 2);
		fr = (struct fake_frame){ 0 };
		finished(f);
	}
}

/* Only the first frame may start something: a second start, of any kind,
 * is a broken client, whose process is killed. */
static void a_second_start_is_refused(void **state)
{
	static const uint8_t types[] = { VXN_F_EXEC_START, VXN_F_CTR_START, VXN_F_CTR_EXEC };

	(void)state;
	for (size_t i = 0; i < sizeof types; i++) {
		struct fixture *f = started_with(VXN_F_CTR_START, (const uint8_t *)"x", 1);
		struct fake_frame fr = { 0 };
		assert_int_equal(fake_channel_guest_frame(f->ch, &fr), 1);
		client_send(f, types[i], "x", 1);
		rounds(f, 2);
		assert_int_equal(f->x.l[0].fd, -1);
		finished(f);
	}
}

/* A pod's container whose client goes away is killed: nothing runs on in
 * the pod that nobody waits for. */
static void pod_container_client_gone_kills_it(void **state)
{
	struct fixture *f = started_with(VXN_F_CTR_START, (const uint8_t *)"x", 1);

	(void)state;
	close(f->client);
	f->client = -1;
	rounds(f, 3);
	assert_int_equal(guest_saw(f->ch).kills, 1);
	assert_int_equal(f->x.l[0].fd, -1);
	finished(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_stdin_stops_at_the_window),
		cmocka_unit_test(malformed_credit_is_refused),
		cmocka_unit_test(client_stdin_is_kept_when_the_channel_fills_after_poll),
		cmocka_unit_test(stalled_client_holds_back_its_credit),
		cmocka_unit_test(guest_beyond_the_window_is_refused),
		cmocka_unit_test(client_gone_mid_frame_kills_its_process),
		cmocka_unit_test(pod_starts_are_first_frames),
		cmocka_unit_test(a_second_start_is_refused),
		cmocka_unit_test(pod_container_client_gone_kills_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
