/* monitor_stdio: the container's own stdio in the monitor, driven over an
 * in-memory channel (fake_channel.h) with pipes as the container's stdin and
 * its readers. stdin goes to the guest only within the window guest-init
 * gives back, and never loses a byte; output is given back as credit only
 * once its reader took it. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_channel.h"
#include "monitor_stdio.h"
#include "pattern.h"

#define FRAME VXN_FRAME_MAX_PAYLOAD
#define HDR VXN_FRAME_HDR_BYTES
#define PIPE_BYTES (1u << 20)

/* A pipe holding n pattern bytes (its write end closed when eof): the read
 * end, non-blocking as the monitor's stdin is polled. */
static int stdin_pipe(size_t n, bool eof, int *writer)
{
	static uint8_t buf[PIPE_BYTES];
	int p[2];

	assert_true(n <= PIPE_BYTES);
	pipe_sized(p, O_NONBLOCK, PIPE_BYTES);
	pattern_fill(buf, 0, n);
	assert_int_equal(write(p[1], buf, n), (ssize_t)n);
	if (eof) {
		close(p[1]);
		p[1] = -1;
	}
	if (writer)
		*writer = p[1];
	else if (p[1] >= 0)
		close(p[1]);
	return p[0];
}

struct seen {
	size_t stdin_bytes;   /* STDIN payload, checked against the pattern */
	int eofs;             /* STDIN_EOF frames */
	bool eof_last;        /* nothing after the STDIN_EOF */
	uint64_t credit;      /* CREDIT given for stream 0 */
	int credits;
};

/* What guest-init got on stream 0, frame by frame: stdin in order, the
 * pattern intact. */
static struct seen guest_saw(const struct channel *ch)
{
	struct seen s = { 0 };
	struct fake_frame f = { 0 };

	while (fake_channel_guest_frame(ch, &f)) {
		if (f.h.stream != 0)
			continue;  /* exec streams' frames */
		s.eof_last = false;
		if (f.h.type == VXN_F_STDIN) {
			assert_int_equal(s.eofs, 0);
			pattern_check(f.p, s.stdin_bytes, f.h.len);
			s.stdin_bytes += f.h.len;
		} else if (f.h.type == VXN_F_STDIN_EOF) {
			s.eofs++;
			s.eof_last = true;
		} else {
			s.credit += fake_frame_credit(&f);
			s.credits++;
		}
	}
	return s;
}

/* Relays stdin for as long as the monitor would poll it (stdin readable). */
static int relay_while_wanted(struct mon_stdio *s, struct channel *ch)
{
	int rounds = 0;

	while (stdio_stdin_wanted(s, ch, true) && fd_pending(s->in_fd) > 0 && rounds < 1000) {
		stdio_relay_stdin(s, ch);
		rounds++;
	}
	return rounds;
}

static void credit(struct mon_stdio *s, uint32_t n, bool ok)
{
	uint8_t buf[VXN_CREDIT_BYTES];

	vxn_credit_encode(n, buf);
	assert_int_equal(stdio_guest_credit(s, buf, sizeof buf), ok);
}

static void stdio_up(struct mon_stdio *s, int in_fd, bool pty)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	assert_true(null >= 0);
	assert_int_equal(stdio_init(s, in_fd, null, null, pty), 0);
	close(null);  /* outbuf_init reopened it */
}

static void stdio_down(struct mon_stdio *s)
{
	close(s->in_fd);
	stdio_dispose(s);
}

/* A guest that gives nothing back holds stdin in the pipe once its window
 * (four frames) is used; a frame's credit lets exactly one more frame go. */
static void stdin_stops_at_the_window_and_resumes_with_credit(void **state)
{
	struct channel *ch = fake_channel_new(4u << 20);
	struct mon_stdio s;

	(void)state;
	stdio_up(&s, stdin_pipe(6 * FRAME, false, NULL), false);
	relay_while_wanted(&s, ch);
	assert_int_equal(guest_saw(ch).stdin_bytes, VXN_STDIN_WINDOW);
	assert_int_equal(s.in_credit, 0);
	assert_false(stdio_stdin_wanted(&s, ch, true));
	assert_int_equal(fd_pending(s.in_fd), 2 * FRAME);  /* left in the pipe */

	credit(&s, FRAME, true);  /* exactly one frame */
	assert_true(stdio_stdin_wanted(&s, ch, true));
	relay_while_wanted(&s, ch);
	assert_int_equal(guest_saw(ch).stdin_bytes, VXN_STDIN_WINDOW + FRAME);
	assert_int_equal(fd_pending(s.in_fd), FRAME);
	assert_true(s.in_open);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* The same with the ring full: frames wait in the channel's buffer, and
 * stdin is read only while the buffer takes a whole frame. */
static void stdin_waits_for_a_full_ring(void **state)
{
	struct channel *ch = fake_channel_new(0);
	struct mon_stdio s;

	(void)state;
	stdio_up(&s, stdin_pipe(5 * FRAME, false, NULL), false);
	relay_while_wanted(&s, ch);
	assert_int_equal(guest_saw(ch).stdin_bytes, 0);
	assert_int_equal(channel_out_pending(ch), CHANNEL_OUT_CAP);
	assert_false(stdio_stdin_wanted(&s, ch, true));  /* no room for a fifth */
	assert_int_equal(fd_pending(s.in_fd), FRAME);

	fake_channel_ring_add(ch, 4u << 20);  /* the guest reads, and gives a frame back */
	assert_int_equal(channel_flush(ch, NULL), 0);
	credit(&s, FRAME, true);
	relay_while_wanted(&s, ch);
	assert_int_equal(guest_saw(ch).stdin_bytes, 5 * FRAME);
	assert_int_equal(fd_pending(s.in_fd), 0);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* Credit that guest-init cannot have given is refused or bounded: zero,
 * beyond a stream window, a malformed length; grants beyond the stdin
 * window (or ones that would overflow 32 bits) leave exactly the window. */
static void stdin_credit_edge_cases(void **state)
{
	struct channel *ch = fake_channel_new(4u << 20);
	struct mon_stdio s;
	uint8_t buf[VXN_CREDIT_BYTES + 1] = { 0 };

	(void)state;
	stdio_up(&s, stdin_pipe(0, false, NULL), false);
	assert_int_equal(s.in_credit, VXN_STDIN_WINDOW);
	s.in_credit = 0;
	assert_false(stdio_stdin_wanted(&s, ch, true));  /* zero credit: not polled */
	credit(&s, 0, false);
	credit(&s, VXN_STREAM_WINDOW + 1, false);
	credit(&s, UINT32_MAX, false);
	assert_false(stdio_guest_credit(&s, buf, VXN_CREDIT_BYTES + 1));
	assert_false(stdio_guest_credit(&s, buf, VXN_CREDIT_BYTES - 1));
	assert_int_equal(s.in_credit, 0);

	credit(&s, FRAME - 1, true);  /* short of a frame: still not polled */
	assert_false(stdio_stdin_wanted(&s, ch, true));
	credit(&s, 1, true);          /* exactly a frame */
	assert_int_equal(s.in_credit, FRAME);
	assert_true(stdio_stdin_wanted(&s, ch, true));
	assert_false(stdio_stdin_wanted(&s, ch, false));  /* guest-init not up */

	for (int i = 0; i < 5000; i++)  /* 5000 windows: beyond 2^32 bytes */
		credit(&s, VXN_STREAM_WINDOW, true);
	assert_int_equal(s.in_credit, VXN_STDIN_WINDOW);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* The bug this module fixed: stdin was polled with room for a frame in the
 * channel's buffer, credit frames took some of it before stdin was read,
 * the frame read did not fit, and its bytes were dropped. */
static void stdin_bytes_are_kept_when_the_channel_fills_after_poll(void **state)
{
	struct channel *ch = fake_channel_new(0);  /* the ring is full */
	struct mon_stdio s;
	struct vxn_err err;
	uint8_t c[VXN_CREDIT_BYTES];

	(void)state;
	stdio_up(&s, stdin_pipe(4 * FRAME, true, NULL), false);
	for (int i = 0; i < 3; i++)
		stdio_relay_stdin(&s, ch);
	assert_true(stdio_stdin_wanted(&s, ch, true));  /* polled: room for one more */
	/* an exec stream's credit, queued between the poll and the read */
	vxn_credit_encode(4096, c);
	assert_int_equal(channel_send(ch, VXN_F_CREDIT, 1, c, sizeof c, &err), 0);
	stdio_relay_stdin(&s, ch);
	assert_true(s.in_open);

	/* every byte is in the channel or still in stdin */
	fake_channel_ring_add(ch, channel_out_pending(ch));
	assert_int_equal(channel_flush(ch, NULL), 0);
	assert_int_equal(guest_saw(ch).stdin_bytes + (size_t)fd_pending(s.in_fd), 4 * FRAME);

	/* the guest reads on and gives credit back: all of stdin arrives, in
	 * order, then one EOF */
	for (int round = 0; round < 10 && s.in_open; round++) {
		s.in_credit = VXN_STDIN_WINDOW;
		stdio_relay_stdin(&s, ch);
		fake_channel_ring_add(ch, channel_out_pending(ch));
		assert_int_equal(channel_flush(ch, NULL), 0);
	}
	struct seen g = guest_saw(ch);
	assert_int_equal(g.stdin_bytes, 4 * FRAME);
	assert_int_equal(g.eofs, 1);
	assert_true(g.eof_last);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* EOF on stdin: one STDIN_EOF after the last byte, and stdin is not read
 * again; a full channel keeps the EOF owed until it has room. */
static void stdin_eof_follows_the_last_byte(void **state)
{
	struct channel *ch = fake_channel_new(4u << 20);
	struct mon_stdio s;

	(void)state;
	stdio_up(&s, stdin_pipe(FRAME + 100, true, NULL), false);
	for (int i = 0; i < 3; i++)
		stdio_relay_stdin(&s, ch);
	struct seen g = guest_saw(ch);
	assert_int_equal(g.stdin_bytes, FRAME + 100);
	assert_int_equal(g.eofs, 1);
	assert_true(g.eof_last);
	assert_false(s.in_open);
	assert_false(stdio_stdin_wanted(&s, ch, true));
	stdio_down(&s);
	fake_channel_free(ch);

	/* a full channel: stdin (and its EOF) waits */
	ch = fake_channel_new(0);
	stdio_up(&s, stdin_pipe(0, true, NULL), false);
	struct vxn_err err;
	static uint8_t filler[FRAME];
	for (int i = 0; i < 4; i++)
		assert_int_equal(channel_send(ch, VXN_F_STDIN, 5, filler, FRAME, &err), 0);
	stdio_relay_stdin(&s, ch);
	assert_true(s.in_open);
	fake_channel_ring_add(ch, 4u << 20);
	assert_int_equal(channel_flush(ch, NULL), 0);
	stdio_relay_stdin(&s, ch);
	assert_false(s.in_open);
	g = guest_saw(ch);
	assert_int_equal(g.eofs, 1);
	assert_true(g.eof_last);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* A terminal's hang-up is no STDIN_EOF: the SIGHUP goes instead. */
static void pty_hangup_sends_no_eof(void **state)
{
	struct channel *ch = fake_channel_new(4u << 20);
	struct mon_stdio s;

	(void)state;
	stdio_up(&s, stdin_pipe(10, true, NULL), true);
	stdio_relay_stdin(&s, ch);
	stdio_relay_stdin(&s, ch);
	struct seen g = guest_saw(ch);
	assert_int_equal(g.stdin_bytes, 10);
	assert_int_equal(g.eofs, 0);
	assert_false(s.in_open);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* The guest closed its end: stdin read on goes into the channel's buffer
 * (the send fails once queued) and never beyond the window. */
static void closed_guest_gets_no_more_than_its_window(void **state)
{
	struct channel *ch = fake_channel_new(4u << 20);
	struct mon_stdio s;

	(void)state;
	stdio_up(&s, stdin_pipe(8 * FRAME, false, NULL), false);
	stdio_relay_stdin(&s, ch);
	fake_channel_close_peer(ch);
	assert_int_equal(channel_frame_room(ch), 0);
	relay_while_wanted(&s, ch);
	assert_int_equal(guest_saw(ch).stdin_bytes, FRAME);
	assert_true(channel_out_pending(ch) <= 3 * (HDR + FRAME));
	assert_int_equal(FRAME + channel_out_pending(ch) / (HDR + FRAME) * FRAME +
			 (size_t)fd_pending(s.in_fd), 8 * FRAME);
	stdio_down(&s);
	fake_channel_free(ch);
}

/* A reader that stalls: its stream's output waits in the monitor (a window
 * at most) and no credit goes back, so the guest stops reading the
 * process's output; as the reader takes it, credit goes back, a window per
 * CREDIT at most, header bytes included. */
static void stalled_reader_gets_credit_back_only_as_it_reads(void **state)
{
	struct channel *ch = fake_channel_new(4u << 20);
	struct mon_stdio s;
	static uint8_t chunk[FRAME], sink[PIPE_BYTES];
	int out[2];
	const int frames = (int)(VXN_STREAM_WINDOW / (HDR + FRAME));

	(void)state;
	assert_int_equal(pipe2(out, O_NONBLOCK), 0);
	assert_int_equal(stdio_init(&s, -1, out[1], out[1], false), 0);
	fcntl(out[1], F_SETPIPE_SZ, 4096);  /* after outbuf_init, which enlarges it */
	for (int i = 0; i < frames; i++) {
		stdio_guest_output(&s, VXN_F_STDOUT, chunk, FRAME);
		stdio_give_credit(&s, ch);
	}
	struct seen g = guest_saw(ch);
	/* the pipe took a page, and the headers count: less than a quarter window */
	assert_int_equal(g.credits, 0);
	assert_true(stdio_out_pending(&s));
	assert_true(stdio_out_bytes(&s) >= (size_t)frames * FRAME - 4096);

	size_t got = 0;
	for (int round = 0; round < 10000 && stdio_out_pending(&s); round++) {
		ssize_t n = read(out[0], sink, sizeof sink);
		if (n > 0)
			got += (size_t)n;
		struct pollfd fds[3];
		int k = 0;
		stdio_poll_add(&s, ch, false, fds, &k);
		for (int i = 0; i < k; i++)
			fds[i].revents = POLLOUT;
		stdio_poll_out(&s, fds);
		stdio_give_credit(&s, ch);
	}
	while (read(out[0], sink, sizeof sink) > 0)
		;
	assert_false(stdio_out_pending(&s));
	g = guest_saw(ch);
	uint64_t owed = (uint64_t)frames * (HDR + FRAME);
	assert_int_equal(g.credit + s.out_credit, owed);
	assert_true(s.out_credit < VXN_STREAM_WINDOW / 4);
	assert_true(g.credits >= 1);
	(void)got;
	close(out[0]);
	close(out[1]);
	stdio_dispose(&s);
	fake_channel_free(ch);
}

/* A guest beyond its window (hostile): the frame that would go past it is
 * refused (the monitor ends such a guest), and what the monitor owes stays
 * within a window; credit given back makes room again, no more. */
static void output_past_the_window_is_refused(void **state)
{
	struct channel *ch = fake_channel_new(0);  /* nothing reaches the guest */
	struct mon_stdio s;
	static uint8_t none[1];
	const uint32_t frames = VXN_STREAM_WINDOW / HDR;

	(void)state;
	assert_int_equal(stdio_init(&s, -1, -1, -1, false), 0);  /* no readers: dropped */
	for (uint32_t i = 0; i < frames; i++)  /* a window of headers */
		assert_true(stdio_guest_output(&s, VXN_F_STDERR, none, 0));
	assert_false(stdio_guest_output(&s, VXN_F_STDOUT, none, 0));
	assert_false(stdio_guest_output(&s, VXN_F_STDOUT, none, 1));
	assert_int_equal(s.out_credit, VXN_STREAM_WINDOW);
	assert_int_equal(s.out_in_flight, VXN_STREAM_WINDOW);
	stdio_give_credit(&s, ch);  /* queued: the guest may count on it */
	assert_int_equal(s.out_credit, 0);
	assert_int_equal(s.out_in_flight, 0);
	for (uint32_t i = 0; i < frames; i++)
		assert_true(stdio_guest_output(&s, VXN_F_STDERR, none, 0));
	assert_false(stdio_guest_output(&s, VXN_F_STDERR, none, 0));
	fake_channel_ring_add(ch, 1u << 20);
	assert_int_equal(channel_flush(ch, NULL), 0);
	struct seen g = guest_saw(ch);
	assert_int_equal(g.credits, 1);
	assert_int_equal(g.credit, VXN_STREAM_WINDOW);
	stdio_dispose(&s);
	fake_channel_free(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stdin_stops_at_the_window_and_resumes_with_credit),
		cmocka_unit_test(stdin_waits_for_a_full_ring),
		cmocka_unit_test(stdin_credit_edge_cases),
		cmocka_unit_test(stdin_bytes_are_kept_when_the_channel_fills_after_poll),
		cmocka_unit_test(stdin_eof_follows_the_last_byte),
		cmocka_unit_test(pty_hangup_sends_no_eof),
		cmocka_unit_test(closed_guest_gets_no_more_than_its_window),
		cmocka_unit_test(stalled_reader_gets_credit_back_only_as_it_reads),
		cmocka_unit_test(output_past_the_window_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
