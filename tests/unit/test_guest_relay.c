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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpus.h"
#include "exec.h"
#include "fake_guest_channel.h"
#include "pattern.h"
#include "relay.h"
#include "sessions.h"

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

/* Unless a test lets them start (the pod's tests): then each process is
 * a stand-in on pipes whose far ends are closed at once, and what it was
 * asked for is kept. */
static struct {
	bool ok;
	int calls;
	char root[64];        /* place->root, "" without */
	int mnt_fd;
	uint32_t nmounts;
	char first_mount[32]; /* destination of l->mounts[0] */
	bool pid_namespace;
	bool root_readonly;
} stub;

static void stub_keep(const struct vxn_launch *l, const struct proc_place *place)
{
	stub.calls++;
	snprintf(stub.root, sizeof stub.root, "%s", place && place->root ? place->root : "");
	stub.mnt_fd = place ? place->mnt_fd : -1;
	stub.nmounts = l->nmounts;
	snprintf(stub.first_mount, sizeof stub.first_mount, "%s",
		 l->nmounts ? l->mounts[0].destination : "");
	stub.pid_namespace = l->pid_namespace;
	stub.root_readonly = l->root_readonly;
}

int proc_start(const struct vxn_launch *l, const struct proc_place *place, struct proc *p,
	       struct exec_report *rep, struct vxn_err *err)
{
	int in[2], out[2], er[2];

	stub_keep(l, place);
	if (!stub.ok)
		return err_set(err, 0, "exec: not in this test");
	assert_int_equal(pipe2(in, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(er, O_CLOEXEC | O_NONBLOCK), 0);
	close(in[0]);
	close(out[1]);
	close(er[1]);
	*p = (struct proc){ .pid = NO_PID, .in_fd = in[1], .out_fd = out[0], .err_fd = er[0] };
	memset(rep, 0, sizeof *rep);
	return 0;
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

/* ------------------------------------------------ a pod's other containers */

/* What the host got on one stream. */
struct answer {
	int started, errors, exits;
	int32_t exit_value;
	char error[VXN_ERROR_MAX + 1];
};

static struct answer host_answer(const struct channel *ch, uint16_t stream)
{
	struct answer a = { 0 };
	struct fake_frame f = { 0 };
	struct vxn_exit e;

	while (fake_guest_channel_host_got(ch, &f)) {
		if (f.h.stream != stream)
			continue;
		if (f.h.type == VXN_F_EXEC_STARTED) {
			a.started++;
		} else if (f.h.type == VXN_F_ERROR) {
			a.errors++;
			assert_int_equal(vxn_error_text_decode(f.p, f.h.len, a.error, sizeof a.error), 0);
		} else if (f.h.type == VXN_F_EXIT) {
			a.exits++;
			assert_int_equal(vxn_exit_decode(f.p, f.h.len, &e), 0);
			a.exit_value = e.value;
		}
	}
	return a;
}

static struct vxn_mount pod_mounts[3];

static void pod_mounts_set(const char *root_source)
{
	pod_mounts[0] = (struct vxn_mount){ "/", VXN_SHARE_TYPE, (char *)root_source, 0, "" };
	pod_mounts[1] = (struct vxn_mount){ "/proc", "proc", "proc", 0, "" };
	pod_mounts[2] = (struct vxn_mount){ "/data", VXN_SHARE_TYPE, "pod/c1v0", 0, "" };
}

/* A CTR_START (or CTR_EXEC) frame for name, its launch with n of pod_mounts. */
static void host_ctr(struct channel *ch, uint8_t type, uint16_t stream, const char *name,
		     uint32_t n)
{
	static char *a[] = { "sh", NULL };
	static uint8_t payload[VXN_FRAME_MAX_PAYLOAD];
	struct vxn_launch l = { .args = a, .nargs = 1, .cwd = "/", .umask = -1, .hostname = "",
				.root_fstype = "", .mounts = pod_mounts, .nmounts = n };
	uint8_t *enc;
	size_t len;

	assert_int_equal(vxn_launch_encode(&l, &enc, &len), 0);
	int k = vxn_ctr_frame_encode(name, enc, len, payload, sizeof payload);
	free(enc);
	assert_true(k > 0);
	fake_guest_channel_host_frame(ch, type, stream, payload, (uint32_t)k);
}

static void expect_refused(struct channel *ch, uint16_t stream, const char *why_part)
{
	struct answer a = host_answer(ch, stream);

	assert_int_equal(a.started, 0);
	assert_int_equal(a.errors, 1);
	assert_int_equal(a.exits, 1);
	assert_int_equal(a.exit_value, 255);
	if (!strstr(a.error, why_part))
		fail_msg("stream %u: \"%s\" does not say \"%s\"", stream, a.error, why_part);
}

/* Sessions the tests started end as if their processes had been reaped. */
static void pod_sessions_end(void)
{
	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++)
		if (r.s[i].used)
			r.s[i].exited = r.s[i].out_eof = r.s[i].err_eof = true;
	sessions_finish(&r);
	memset(&stub, 0, sizeof stub);
}

/* Refused before anything starts: a start frame that does not decode,
 * a guest that is no pod's, a root that is not the pod's share's. */
static void pod_container_start_is_checked(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, 4096);
	uint8_t bad_name[] = { 3, 'a', '/', 'b', 'x' };

	(void)state;
	pod_mounts_set("pod/c1r");
	host_ctr(ch, VXN_F_CTR_START, 1, "c1", 3);
	rounds(1);
	expect_refused(ch, 1, "not a pod's guest");
	r.pod_share = true;
	fake_guest_channel_host_frame(ch, VXN_F_CTR_START, 2, bad_name, sizeof bad_name);
	fake_guest_channel_host_frame(ch, VXN_F_CTR_START, 3, "\2c1", 3);  /* no launch */
	fake_guest_channel_host_frame(ch, VXN_F_CTR_START, 4, "\2c1xyz", 6);
	host_ctr(ch, VXN_F_CTR_START, 5, "c1", 0);
	pod_mounts_set("vol1");
	host_ctr(ch, VXN_F_CTR_START, 6, "c1", 3);
	pod_mounts_set("pod/c1r");
	pod_mounts[0].destination = "/root";
	host_ctr(ch, VXN_F_CTR_START, 7, "c1", 3);
	pod_mounts_set("pod/c1r");
	host_ctr(ch, VXN_F_CTR_START, 0, "c1", 3);
	rounds(1);
	expect_refused(ch, 2, "container: malformed start");
	expect_refused(ch, 3, "container: malformed start");
	expect_refused(ch, 4, "container c1: malformed launch");
	expect_refused(ch, 5, "container c1: no root");
	expect_refused(ch, 6, "container c1: the root is not an entry of the pod's share");
	expect_refused(ch, 7, "container c1: mounts[0] is not the root");
	expect_refused(ch, 0, "stream already in use");
	assert_int_equal(stub.calls, 0);
	pod_sessions_end();
	relay_down(ch, &pp);
}

/* A container starts with its root as the place and its other mounts as
 * the launch's; its name is its own while it runs, and an exec in it must
 * name a running one. */
static void pod_container_names_are_unique(void **state)
{
	struct proc_pipes pp;
	struct channel *ch = relay_up(&pp, 8u << 20, 4096);

	(void)state;
	r.pod_share = true;
	stub.ok = true;
	pod_mounts_set("pod/c1r");
	host_ctr(ch, VXN_F_CTR_START, 1, "c1", 3);
	rounds(1);
	assert_int_equal(host_answer(ch, 1).started, 1);
	assert_int_equal(stub.calls, 1);
	assert_string_equal(stub.root, VXN_SHARE_DIR "/pod/c1r");
	assert_int_equal(stub.mnt_fd, -1);
	assert_int_equal(stub.nmounts, 2);
	assert_string_equal(stub.first_mount, "/proc");
	assert_false(stub.root_readonly);
	struct session *s = session_of(&r, 1);
	assert_non_null(s);
	assert_true(s->ctr);
	assert_string_equal(s->name, "c1");

	host_ctr(ch, VXN_F_CTR_START, 2, "c1", 3);
	host_ctr(ch, VXN_F_CTR_EXEC, 3, "c2", 1);
	pod_mounts_set("pod/c2r");
	pod_mounts[0].flags = MS_BIND | MS_REC | MS_RDONLY;  /* as the host asks for a read-only root */
	host_ctr(ch, VXN_F_CTR_START, 4, "c2", 3);
	rounds(1);
	assert_true(stub.root_readonly);
	expect_refused(ch, 2, "container c1: already running");
	expect_refused(ch, 3, "exec in c2: no such container running");
	assert_int_equal(host_answer(ch, 4).started, 1);
	assert_int_equal(stub.calls, 2);

	/* once c1 has exited its name is free again */
	s->exited = true;
	pod_mounts_set("pod/c1s");
	host_ctr(ch, VXN_F_CTR_START, 5, "c1", 3);
	host_ctr(ch, VXN_F_CTR_EXEC, 6, "c1", 1);
	rounds(1);
	assert_int_equal(host_answer(ch, 5).started, 1);
	assert_string_equal(stub.root, VXN_SHARE_DIR "/pod/c1s");
	/* the stand-in has no namespaces to join: refused, nothing forked */
	expect_refused(ch, 6, "exec in c1: open /proc/");
	assert_int_equal(stub.calls, 3);
	pod_sessions_end();
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
		cmocka_unit_test(pod_container_start_is_checked),
		cmocka_unit_test(pod_container_names_are_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
