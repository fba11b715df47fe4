/* guest-init's relay, driven round by round (relay_pump, relay_wait) over an
 * in-memory channel (fake_guest_channel.h), with pipes as the container's
 * process (stream 0). Its output goes to the host only within the credit the
 * host gives back; stdin the process has not read is held and credited
 * back only as it reads; the host's EOF closes the process's stdin; a host
 * that closes mid-frame, or sends a malformed one, ends the relay. */
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

#include "cpus.h"
#include "exec.h"
#include "fake_guest_channel.h"
#include "pattern.h"
#include "relay.h"

#define FRAME VXN_FRAME_MAX_PAYLOAD
#define HDR VXN_FRAME_HDR_BYTES
#define PIPE_BYTES (1u << 20)
/* no such child: the relay must never signal or reap anything of ours */
#define NO_PID 0x7ffffff0

/* What relay.c needs from the rest of guest-init and this test does not
 * use: no CPU hotplug, and exec (streams >= 1) refused. */
int cpu_events_open(void)
{
	return -1;
}

void cpu_events_handle(int fd)
{
	(void)fd;
}

int proc_start(const struct vxn_launch *l, struct proc *p, struct exec_report *rep,
	       struct vxn_err *err)
{
	(void)l;
	(void)p;
	(void)rep;
	return err_set(err, 0, "exec: not in this test");
}

static struct relay r;

struct proc_pipes {
	int stdin_r;    /* what the process reads */
	int stdout_w;   /* what it writes */
	int stderr_w;
};

/* The relay with stream 0's process on pipes; the host's ring has room. */
static struct channel *relay_up(struct proc_pipes *pp, size_t ring_room, unsigned stdin_size)
{
	struct channel *ch = fake_guest_channel_new(ring_room);
	int in[2], out[2], err[2];

	pipe_sized(in, O_NONBLOCK | O_CLOEXEC, stdin_size);
	pipe_sized(out, O_NONBLOCK | O_CLOEXEC, PIPE_BYTES);
	pipe_sized(err, O_NONBLOCK | O_CLOEXEC, PIPE_BYTES);
	relay_init(&r, ch, -1);
	relay_start(&r, &(struct proc){ .pid = NO_PID, .in_fd = in[1], .out_fd = out[0],
					.err_fd = err[0] });
	*pp = (struct proc_pipes){ in[0], out[1], err[1] };
	return ch;
}

static void relay_down(struct channel *ch, struct proc_pipes *pp)
{
	struct proc *p = &r.s[0].proc;
	int fds[] = { p->in_fd, p->out_fd, p->err_fd, pp->stdin_r, pp->stdout_w, pp->stderr_w };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	fake_guest_channel_free(ch);
}

/* Rounds as relay_run makes them, without waiting. */
static void rounds(int k)
{
	struct vxn_err err;

	while (k-- > 0) {
		assert_int_equal(relay_pump(&r, &err), 0);
		assert_int_equal(relay_wait(&r, 0, &err), 0);
	}
	assert_int_equal(relay_pump(&r, &err), 0);
}

static void process_writes(int fd, size_t from, size_t n)
{
	static uint8_t buf[PIPE_BYTES];

	pattern_fill(buf, from, n);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
}

struct got {
	size_t out, err;       /* payload bytes, checked against the pattern */
	size_t frames_bytes;   /* what the output cost in credit (headers too) */
	uint64_t stdin_credit;
	int credits, exits, others;
};

static struct got host_got(const struct channel *ch)
{
	struct got g = { 0 };
	struct fake_frame f = { 0 };

	while (fake_guest_channel_host_got(ch, &f)) {
		assert_int_equal(f.h.stream, 0);
		if (f.h.type == VXN_F_STDOUT || f.h.type == VXN_F_STDERR) {
			size_t *n = f.h.type == VXN_F_STDOUT ? &g.out : &g.err;
			pattern_check(f.p, *n, f.h.len);
			*n += f.h.len;
			g.frames_bytes += HDR + f.h.len;
		} else if (f.h.type == VXN_F_CREDIT) {
			g.stdin_credit += fake_frame_credit(&f);
			g.credits++;
		} else {
			g.others++;
		}
	}
	return g;
}

static void host_credit(struct channel *ch, uint32_t n)
{
	uint8_t buf[VXN_CREDIT_BYTES];

	vxn_credit_encode(n, buf);
	fake_guest_channel_host_frame(ch, VXN_F_CREDIT, 0, buf, sizeof buf);
}

/* A host whose reader stalls gives no credit: the process's output stays in
 * its pipe once the window (headers included) is used; credit of exactly a
 * frame lets exactly one frame more go. */
static void output_stops_at_the_window_and_resumes_with_credit(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, 4096);

	(void)state;
	process_writes(pp.stdout_w, 0, PIPE_BYTES);
	rounds(40);
	struct got g = host_got(ch);
	assert_true(g.frames_bytes <= VXN_STREAM_WINDOW);
	assert_true(g.frames_bytes > VXN_STREAM_WINDOW - HDR - FRAME);
	assert_true(r.s[0].credit <= HDR);  /* not enough for a byte: not read */
	process_writes(pp.stdout_w, PIPE_BYTES, 2 * FRAME);  /* it writes on */
	int left = fd_pending(r.s[0].proc.out_fd);
	assert_int_equal((size_t)left, PIPE_BYTES + 2 * FRAME - g.out);
	rounds(5);
	assert_int_equal(fd_pending(r.s[0].proc.out_fd), left);  /* stalled */
	assert_int_equal(host_got(ch).out, g.out);

	uint32_t spare = r.s[0].credit;
	host_credit(ch, HDR + FRAME - spare);  /* a whole frame, exactly */
	rounds(5);
	assert_int_equal(host_got(ch).out, g.out + FRAME);
	assert_int_equal(fd_pending(r.s[0].proc.out_fd), left - (int)FRAME);
	assert_int_equal(r.s[0].credit, 0);
	relay_down(ch, &pp);
}

/* Credit beyond the window (a hostile host, or many grants) leaves exactly
 * the window; zero credit is ignored, a credit frame of the wrong length is
 * a protocol error. */
static void output_credit_is_bounded(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, 4096);
	uint8_t bad[VXN_CREDIT_BYTES + 1] = { 0 };
	struct vxn_err err;

	(void)state;
	r.s[0].credit = 0;
	host_credit(ch, 0);
	rounds(1);
	assert_int_equal(r.s[0].credit, 0);
	for (int i = 0; i < 5000; i++)  /* beyond 2^32 bytes in all */
		host_credit(ch, VXN_STREAM_WINDOW);
	rounds(1);
	assert_int_equal(r.s[0].credit, VXN_STREAM_WINDOW);
	fake_guest_channel_host_frame(ch, VXN_F_CREDIT, 0, bad, sizeof bad);
	assert_int_equal(relay_pump(&r, &err), -1);
	assert_int_equal(err.errnum, EPROTO);
	relay_down(ch, &pp);
}

/* A full ring: output waits in the relay's queue, then stays in the pipe;
 * nothing is lost and it flows again once the host reads. */
static void output_waits_for_a_full_ring(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 0, 4096);

	(void)state;
	process_writes(pp.stdout_w, 0, 3 * FRAME);
	process_writes(pp.stderr_w, 0, 1000);
	rounds(10);
	assert_int_equal(host_got(ch).out, 0);
	for (int i = 0; i < 50; i++) {
		fake_guest_channel_ring_add(ch, 100 * 1000);
		rounds(2);
	}
	struct got g = host_got(ch);
	assert_int_equal(g.out, 3 * FRAME);
	assert_int_equal(g.err, 1000);
	relay_down(ch, &pp);
}

/* Stdin the process does not read is held (the host keeps within its
 * window) and credited back only as the process reads it, in order; the
 * host's EOF closes the process's stdin once it has read everything. */
static void stdin_is_credited_as_the_process_reads(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, 4096);
	static uint8_t chunk[FRAME], buf[PIPE_BYTES];

	(void)state;
	for (size_t f = 0; f < 4; f++) {
		pattern_fill(chunk, f * FRAME, FRAME);
		fake_guest_channel_host_frame(ch, VXN_F_STDIN, 0, chunk, FRAME);
	}
	fake_guest_channel_host_frame(ch, VXN_F_STDIN_EOF, 0, NULL, 0);
	rounds(5);
	assert_int_equal(host_got(ch).stdin_credit, 0);  /* a page read: less than a frame */
	assert_int_equal(fd_pending(pp.stdin_r), 4096);

	size_t got = 0;
	bool eof = false;
	for (int i = 0; i < 1000 && !eof; i++) {
		ssize_t n = read(pp.stdin_r, buf, sizeof buf);
		if (n > 0) {
			pattern_check(buf, got, (size_t)n);
			got += (size_t)n;
		}
		eof = n == 0;
		rounds(1);
	}
	assert_true(eof);
	assert_int_equal(got, 4 * FRAME);
	struct got g = host_got(ch);
	assert_int_equal(g.stdin_credit, 4 * FRAME);
	assert_true(g.credits >= 4);
	relay_down(ch, &pp);
}

/* A host that closes with half a frame sent ends the relay (the half is
 * never handled); half a frame from a host still open waits for the rest. */
static void host_closing_mid_frame_ends_the_relay(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, PIPE_BYTES);
	uint8_t frame[HDR + 100] = { 0 };
	struct vxn_err err;

	(void)state;
	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = VXN_F_STDIN, .len = 100 }, frame);
	memset(frame + HDR, 'a', 100);
	fake_guest_channel_host_writes(ch, frame, HDR + 50);
	rounds(2);
	assert_int_equal(fd_pending(pp.stdin_r), 0);
	fake_guest_channel_host_writes(ch, frame + HDR + 50, 50);
	rounds(1);
	assert_int_equal(fd_pending(pp.stdin_r), 100);

	fake_guest_channel_host_writes(ch, frame, HDR + 50);
	fake_guest_channel_close(ch);
	assert_int_equal(relay_pump(&r, &err), -1);
	assert_int_equal(fd_pending(pp.stdin_r), 100);
	relay_down(ch, &pp);
}

/* A frame header the decoder refuses ends the relay as a protocol error. */
static void malformed_frame_ends_the_relay(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, 4096);
	uint8_t hdr[HDR];
	struct vxn_err err;

	(void)state;
	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = VXN_F_STDIN,
						      .len = VXN_FRAME_MAX_PAYLOAD + 1 }, hdr);
	fake_guest_channel_host_writes(ch, hdr, sizeof hdr);
	assert_int_equal(relay_pump(&r, &err), -1);
	assert_int_equal(err.errnum, EPROTO);
	relay_down(ch, &pp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(output_stops_at_the_window_and_resumes_with_credit),
		cmocka_unit_test(output_credit_is_bounded),
		cmocka_unit_test(output_waits_for_a_full_ring),
		cmocka_unit_test(stdin_is_credited_as_the_process_reads),
		cmocka_unit_test(host_closing_mid_frame_ends_the_relay),
		cmocka_unit_test(malformed_frame_ends_the_relay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
