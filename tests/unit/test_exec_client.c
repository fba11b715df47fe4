/* exec_client: the host process of `vxn exec`, run in a child with pipes as
 * its stdio, against this test acting as the container's monitor on the
 * control socket of a scratch state directory. Its stdin goes out as STDIN
 * frames and an EOF; a stalled stdout reader stops it reading the socket
 * (the monitor then holds the stream back, monitor_exec.h); stdin the
 * monitor does not take yet never stops the output; a monitor that closes
 * mid-frame or before the EXIT ends it as a killed process would. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "control.h"
#include "exec_client.h"
#include "pattern.h"
#include "vxn-proto.h"

#define FRAME VXN_FRAME_MAX_PAYLOAD
#define HDR VXN_FRAME_HDR_BYTES
#define MSG_MAX (HDR + FRAME)
#define WAIT_MS 20000

struct session {
	char dir[64];
	pid_t pid;
	int mon;       /* the monitor's end of the exec connection */
	int in_w;      /* the client's stdin */
	int out_r;     /* its stdout */
	int err_r;     /* its stderr */
};

/* In the child, with the test's ends of its pipes closed (else its stdin
 * would never end). */
static _Noreturn void client(struct session *s, const int in[2], const int out[2],
			     const int err[2], int lfd)
{
	struct exec_client_opts o = { .state_dir = s->dir, .launch = (const uint8_t *)"L",
				      .launch_len = 1, .notify_fd = -1, .ready_fd = -1 };
	struct vxn_err e;

	prctl(PR_SET_PDEATHSIG, SIGKILL);  /* a failed test leaves nothing running */
	close(in[1]);
	close(out[0]);
	close(err[0]);
	close(lfd);
	if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
		_exit(120);
	exec_client_run(&o, &e);
	fprintf(stderr, "exec client: %s\n", e.msg);
	_exit(100);
}

static void pipe_of(int p[2])
{
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
}

/* Like the monitor: the client's next message, one whole frame, into m. */
static struct vxn_frame_hdr mon_recv(struct session *s, uint8_t *m, size_t cap)
{
	struct pollfd p = { s->mon, POLLIN, 0 };
	struct vxn_frame_hdr h;

	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	ssize_t n = recv(s->mon, m, cap, 0);
	assert_true(n >= (ssize_t)HDR);
	assert_int_equal(vxn_frame_hdr_decode(m, &h), 0);
	assert_int_equal((size_t)n, HDR + h.len);
	return h;
}

/* The client started, connected and asked for its process (EXEC_START). */
static void start(struct session *s)
{
	char req[64];
	uint8_t m[MSG_MAX];
	struct vxn_err err;
	int in[2], out[2], errp[2];

	strcpy(s->dir, "/tmp/vxn-test-exec-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	int lfd = control_listen(s->dir, &err);
	assert_true(lfd >= 0);
	pipe_of(in);
	pipe_of(out);
	pipe_of(errp);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0)
		client(s, in, out, errp, lfd);
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	s->in_w = in[1];
	s->out_r = out[0];
	s->err_r = errp[0];
	struct pollfd p = { lfd, POLLIN, 0 };
	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	s->mon = control_accept(lfd, req, sizeof req);
	assert_true(s->mon >= 0);
	assert_string_equal(req, "exec");
	close(lfd);
	struct vxn_frame_hdr h = mon_recv(s, m, sizeof m);
	assert_int_equal(h.type, VXN_F_EXEC_START);
	assert_int_equal(h.len, 1);
	assert_int_equal(m[HDR], 'L');
}

/* Like the monitor: one frame a message, without blocking. */
static bool mon_send(struct session *s, uint8_t type, const void *p, uint32_t len)
{
	static uint8_t m[MSG_MAX];
	size_t len_m = vxn_frame_put(m, sizeof m, type, 1, p, len);
	ssize_t n = send(s->mon, m, len_m, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return false;
	assert_int_equal(n, (ssize_t)(HDR + len));
	return true;
}

static void mon_exit(struct session *s, int code)
{
	uint8_t e[VXN_EXIT_BYTES];

	vxn_exit_encode(&(struct vxn_exit){ .kind = VXN_EXIT_CODE, .value = code }, e);
	assert_true(mon_send(s, VXN_F_EXIT, e, sizeof e));
}

/* The client's wait status; everything of the session closed. */
static int finish(struct session *s)
{
	int st;

	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	int fds[] = { s->mon, s->in_w, s->out_r, s->err_r };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	char path[128];
	snprintf(path, sizeof path, "%s/%s", s->dir, CONTROL_SOCKET);
	unlink(path);
	rmdir(s->dir);
	return st;
}

/* Reads what the client wrote to its stdout, checking the pattern. */
static size_t read_out(struct session *s, size_t *got, int timeout_ms)
{
	static uint8_t buf[1 << 20];
	struct pollfd p = { s->out_r, POLLIN, 0 };
	size_t before = *got;

	if (poll(&p, 1, timeout_ms) != 1)
		return 0;
	ssize_t n = read(s->out_r, buf, sizeof buf);
	if (n > 0) {
		pattern_check(buf, *got, (size_t)n);
		*got += (size_t)n;
	}
	return *got - before;
}

static uint8_t chunk[FRAME];

static void fill(size_t from)
{
	pattern_fill(chunk, from, FRAME);
}

/* stdin goes out in order and ends with one STDIN_EOF; EXIT 3 is the
 * client's exit status. */
static void stdin_goes_out_then_eof_and_exit_status(void **state)
{
	struct session s;
	static uint8_t m[MSG_MAX + 1], data[300000];
	size_t got = 0;
	int eofs = 0;

	(void)state;
	start(&s);
	assert_true(mon_send(&s, VXN_F_EXEC_STARTED, NULL, 0));
	pattern_fill(data, 0, sizeof data);
	if (fork() == 0) {  /* a writer that may block: the client reads as it goes */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ssize_t n = write(s.in_w, data, sizeof data);
		_exit(n == (ssize_t)sizeof data ? 0 : 1);
	}
	close(s.in_w);
	s.in_w = -1;
	while (eofs == 0) {
		struct vxn_frame_hdr h = mon_recv(&s, m, sizeof m);
		if (h.type == VXN_F_STDIN_EOF) {
			eofs++;
			continue;
		}
		assert_int_equal(h.type, VXN_F_STDIN);
		assert_memory_equal(m + HDR, data + got, h.len);
		got += h.len;
	}
	assert_int_equal(got, sizeof data);
	mon_exit(&s, 3);
	int st = finish(&s);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	while (wait(&st) > 0)
		;
}

/* A stdout reader that stalls: the client stops reading the socket once its
 * stdout is full, so the monitor's sends stop going through; once the
 * reader reads, everything arrives, in order. */
static void stalled_stdout_reader_stops_the_client_reading(void **state)
{
	struct session s;
	size_t sent = 0, got = 0;
	const size_t total = 16u << 20;

	(void)state;
	start(&s);
	assert_true(mon_send(&s, VXN_F_EXEC_STARTED, NULL, 0));
	for (int spins = 0; sent < total; spins++) {
		fill(sent);
		if (mon_send(&s, VXN_F_STDOUT, chunk, FRAME)) {
			sent += FRAME;
			continue;
		}
		struct pollfd p = { s.mon, POLLOUT, 0 };
		if (poll(&p, 1, 200) == 1 || spins < 10)
			continue;
		break;  /* the socket stays full: the client has stopped reading */
	}
	assert_true(sent < total);
	assert_true(sent >= FRAME);
	while (got < sent)
		assert_true(read_out(&s, &got, WAIT_MS) > 0);
	while (sent < total) {
		fill(sent);
		if (mon_send(&s, VXN_F_STDOUT, chunk, FRAME))
			sent += FRAME;
		else
			read_out(&s, &got, 100);
	}
	while (got < total)
		assert_true(read_out(&s, &got, WAIT_MS) > 0);
	mon_exit(&s, 0);
	int st = finish(&s);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* The monitor takes no stdin (the guest's window is used up) while the
 * process writes: the client holds its stdin back and still writes out
 * every output frame; when the monitor reads, stdin follows in order. */
static void held_stdin_does_not_stop_the_output(void **state)
{
	struct session s;
	static uint8_t m[MSG_MAX + 1];
	size_t sent = 0, got = 0, in = 0;
	pid_t writer;

	(void)state;
	start(&s);
	assert_true(mon_send(&s, VXN_F_EXEC_STARTED, NULL, 0));
	writer = fork();
	if (writer == 0) {  /* stdin without end, until the client is gone */
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (size_t i = 0;; i += FRAME) {
			fill(i);
			if (write(s.in_w, chunk, FRAME) < 0)
				_exit(0);
		}
	}
	close(s.in_w);
	s.in_w = -1;
	usleep(300 * 1000);  /* the client's socket fills with stdin */
	while (sent < (4u << 20)) {
		fill(sent);
		if (mon_send(&s, VXN_F_STDOUT, chunk, FRAME))
			sent += FRAME;
		else
			assert_true(read_out(&s, &got, WAIT_MS) > 0);
	}
	while (got < sent)
		assert_true(read_out(&s, &got, WAIT_MS) > 0);
	/* now the monitor reads: stdin comes in order */
	while (in < (2u << 20)) {
		struct vxn_frame_hdr h = mon_recv(&s, m, sizeof m);
		assert_int_equal(h.type, VXN_F_STDIN);
		pattern_check(m + HDR, in, h.len);
		in += h.len;
	}
	mon_exit(&s, 0);
	int st = finish(&s);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	kill(writer, SIGKILL);
	waitpid(writer, &st, 0);
}

/* Half a frame from the monitor is a protocol error; a monitor that goes
 * away after the start ends the client as its process was: killed. */
static void monitor_closing_mid_frame_ends_the_client(void **state)
{
	struct session s;
	uint8_t m[HDR + 50];

	(void)state;
	start(&s);
	assert_true(mon_send(&s, VXN_F_EXEC_STARTED, NULL, 0));
	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = VXN_F_STDOUT, .stream = 1,
						      .len = 100 }, m);
	memset(m + HDR, 'x', 50);
	assert_int_equal(send(s.mon, m, sizeof m, MSG_NOSIGNAL), (ssize_t)sizeof m);
	close(s.mon);
	s.mon = -1;
	int st = finish(&s);
	assert_true(WIFEXITED(st));
	assert_int_not_equal(WEXITSTATUS(st), 0);

	start(&s);
	assert_true(mon_send(&s, VXN_F_EXEC_STARTED, NULL, 0));
	fill(0);
	assert_true(mon_send(&s, VXN_F_STDOUT, chunk, 1000));
	close(s.mon);
	s.mon = -1;
	size_t got = 0;
	while (got < 1000)
		assert_true(read_out(&s, &got, WAIT_MS) > 0);
	st = finish(&s);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);

	start(&s);  /* gone before the start: an error, exit 1 here */
	close(s.mon);
	s.mon = -1;
	st = finish(&s);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stdin_goes_out_then_eof_and_exit_status),
		cmocka_unit_test(stalled_stdout_reader_stops_the_client_reading),
		cmocka_unit_test(held_stdin_does_not_stop_the_output),
		cmocka_unit_test(monitor_closing_mid_frame_ends_the_client),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
