/* outbuf: the monitor's non-blocking writer for the container's stdout and
 * stderr. A reader that stalls must never block the writer, and the
 * caller's own fd must stay as it was (it may be the user's terminal). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "outbuf.h"

static uint8_t chunk[65536];

static void drain(int fd, size_t *total)
{
	uint8_t buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*total += (size_t)n;
}

static void stalled_pipe_fills_buffer_without_blocking(void **state)
{
	struct outbuf o;
	int p[2];
	size_t written = 0, got = 0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	assert_true(o.own_fd);
	/* the caller's fd is left blocking */
	assert_int_equal(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
	while (outbuf_room(&o) >= sizeof(chunk)) {
		outbuf_write(&o, chunk, sizeof(chunk));  /* would block if it could */
		written += sizeof(chunk);
	}
	assert_true(outbuf_pending(&o));
	assert_true(outbuf_room(&o) < sizeof(chunk));
	assert_true(written >= OUTBUF_CAP);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (outbuf_pending(&o)) {
		drain(p[0], &got);
		outbuf_flush(&o);
	}
	drain(p[0], &got);
	assert_int_equal(got, written);
	/* credit for the guest: exactly what the reader took */
	assert_int_equal(o.taken, written);
	assert_int_equal(outbuf_room(&o), OUTBUF_CAP);
	outbuf_dispose(&o);
	close(p[0]);
	close(p[1]);
}

static void order_is_kept(void **state)
{
	struct outbuf o;
	int p[2];
	uint8_t big[8192], out[8192 + 3];
	size_t got = 0;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	outbuf_write(&o, big, sizeof(big));     /* 4096 go, the rest is queued */
	outbuf_write(&o, (const uint8_t *)"end", 3);
	while (got < sizeof(out)) {
		n = read(p[0], out + got, sizeof(out) - got);
		assert_true(n > 0);
		got += (size_t)n;
		outbuf_flush(&o);
	}
	assert_memory_equal(out, big, sizeof(big));
	assert_memory_equal(out + sizeof(big), "end", 3);
	outbuf_dispose(&o);
	close(p[0]);
	close(p[1]);
}

static void gone_reader_drops_output(void **state)
{
	struct outbuf o;
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	close(p[0]);
	outbuf_write(&o, chunk, 100);
	outbuf_write(&o, chunk, 50);
	assert_false(outbuf_pending(&o));
	assert_int_equal(o.taken, 150);  /* dropped counts as taken: the guest goes on */
	assert_true(outbuf_room(&o) >= sizeof(chunk));  /* never holds the guest back */
	outbuf_dispose(&o);
	close(p[1]);
}

/* A reader that goes away with output queued: what it read and what is
 * dropped count once each, so the guest is given back exactly what it sent. */
static void reader_gone_with_output_queued(void **state)
{
	struct outbuf o;
	int p[2];
	size_t got = 0;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);  /* after outbuf_init, which enlarges it */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	outbuf_write(&o, chunk, 3 * 4096);  /* a pipe's worth goes, the rest waits */
	drain(p[0], &got);
	outbuf_flush(&o);                   /* another pipe's worth */
	assert_true(outbuf_pending(&o));
	close(p[0]);
	outbuf_flush(&o);                   /* the reader is gone: the rest is dropped */
	assert_false(outbuf_pending(&o));
	assert_int_equal(o.taken, 3 * 4096);
	outbuf_dispose(&o);
	close(p[1]);
}

static void stalled_socket_does_not_block(void **state)
{
	struct outbuf o;
	int sv[2];
	size_t written = 0;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(outbuf_init(&o, sv[1]), 0);
	assert_true(o.is_socket);
	while (outbuf_room(&o) >= sizeof(chunk) && written < 64u * 1024 * 1024) {
		outbuf_write(&o, chunk, sizeof(chunk));
		written += sizeof(chunk);
	}
	assert_true(outbuf_pending(&o));
	assert_int_equal(fcntl(sv[1], F_GETFL) & O_NONBLOCK, 0);
	outbuf_dispose(&o);
	close(sv[0]);
	close(sv[1]);
}

static void closed_fd_is_dropped(void **state)
{
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, 1000), 0);  /* not open */
	outbuf_write(&o, chunk, 10);
	assert_false(outbuf_pending(&o));
	outbuf_dispose(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stalled_pipe_fills_buffer_without_blocking),
		cmocka_unit_test(order_is_kept),
		cmocka_unit_test(gone_reader_drops_output),
		cmocka_unit_test(reader_gone_with_output_queued),
		cmocka_unit_test(stalled_socket_does_not_block),
		cmocka_unit_test(closed_fd_is_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
