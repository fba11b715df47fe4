/* A compromised guest for tests/lab/test-vxn-hostile.sh: /init of a test
 * initramfs in place of guest-init. It connects to the monitor's channel as
 * guest-init does, then misbehaves as the container's process args say (the
 * launch data still comes as usual; its last argument, since create wants
 * args[0] to exist in the root). It never powers off by itself: what
 * ends it is the monitor (a protocol error: flood's output past its window
 * is one) or vxn kill / delete.
 *
 *   flood       stdout frames without end, credit never waited for
 *   oversize    a frame header announcing 2 GiB
 *   garbage     bytes that are no frame at all
 *   truncated   half a frame, then silence
 *   exit-twice  two exit reports
 *   lies        a ps reply that is not one, to every ps request
 *   silent      never says hello
 *   errors      ten thousand error reports
 *   console     megabytes on the console
 *   xenstore    rewrites its xenstore keys, fills its quota, tries others'
 *               (hostile-xenstore.c) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "channel.h"
#include "console.h"
#include "framebuf.h"
#include "hostile-xenstore.h"
#include "launch-read.h"
#include "vxn-proto.h"

static uint8_t out_mem[4 * (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)];
static uint8_t in_mem[2 * (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)];
static struct byteq out = { out_mem, sizeof out_mem, 0 };
static struct byteq in = { in_mem, sizeof in_mem, 0 };
static struct channel *ch;

/* Push what is queued; read and drop what the host sends (waiting up to
 * wait_ms for it), answering ps requests with lies when asked to. */
static void pump_wait(bool lie, int wait_ms)
{
	struct pollfd p = { channel_fd(ch), POLLIN, 0 };

	if (poll(&p, 1, wait_ms) > 0)
		channel_event(ch);
	channel_send(ch, &out);
	channel_recv(ch, &in);
	while (in.len >= VXN_FRAME_HDR_BYTES) {
		struct vxn_frame_hdr h;
		if (vxn_frame_hdr_decode(in.data, &h) != 0 || in.len < VXN_FRAME_HDR_BYTES + h.len) {
			if (in.len == in.cap)
				in.len = 0;  /* a frame too big for us: drop it all */
			break;
		}
		if (lie && h.type == VXN_F_PS_REQUEST)
			frame_put_stream(&out, VXN_F_PS_REPLY, h.stream, "not\x01" "a ps reply", 14);
		byteq_drop(&in, VXN_FRAME_HDR_BYTES + h.len);
	}
}

static void pump(bool lie)
{
	pump_wait(lie, 50);
}

static void raw(const void *p, size_t n)
{
	byteq_push(&out, p, n);
}

static void put(uint8_t type, const void *p, size_t n)
{
	while (frame_put(&out, type, p, n) == -ENOSPC)
		pump(false);
}

static void __attribute__((noreturn)) idle(bool lie)
{
	for (;;)
		pump(lie);
}

static void hello_and_started(void)
{
	put(VXN_F_HELLO, NULL, 0);
	put(VXN_F_EXEC_STARTED, NULL, 0);
	pump(false);
}

static void exit_report(int code)
{
	struct vxn_exit e = { VXN_EXIT_CODE, code };
	uint8_t p[VXN_EXIT_BYTES];

	put(VXN_F_EXIT, p, vxn_exit_encode(&e, p));
}

static void flood(void)
{
	static uint8_t chunk[VXN_FRAME_MAX_PAYLOAD];

	memset(chunk, 'x', sizeof chunk);
	for (;;) {  /* as fast as the ring takes it */
		frame_put(&out, VXN_F_STDOUT, chunk, sizeof chunk);
		pump_wait(false, 0);
	}
}

static void header(uint8_t type, uint32_t len)
{
	struct vxn_frame_hdr h = { .type = type, .len = len };
	uint8_t b[VXN_FRAME_HDR_BYTES];

	vxn_frame_hdr_encode(&h, b);
	raw(b, sizeof b);
}

static void console_flood(void)
{
	static char line[1024];
	int fd = open("/dev/console", O_WRONLY | O_CLOEXEC);

	memset(line, 'c', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	for (int i = 0; fd >= 0 && i < 16 * 1024; i++)
		if (write(fd, line, sizeof line) < 0)
			break;
	console_say("hostile: console flood done");
}

int main(void)
{
	struct vxn_err err = { 0 };
	struct vxn_launch l;

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	if (launch_read(VXN_LAUNCH_PATH, &l, &err) != 0 || l.nargs == 0) {
		console_say("hostile: no launch data: %s", err.msg);
		for (;;)
			pause();
	}
	const char *what = l.args[l.nargs - 1];
	console_say("hostile: %s", what);
	if (strcmp(what, "silent") == 0)
		for (;;)
			pause();
	ch = channel_open(5000, &err);
	if (!ch) {
		console_say("hostile: no channel: %s", err.msg);
		for (;;)
			pause();
	}
	hello_and_started();
	if (strcmp(what, "flood") == 0) {
		flood();
	} else if (strcmp(what, "oversize") == 0) {
		header(VXN_F_STDOUT, 0x7fffffffu);
	} else if (strcmp(what, "garbage") == 0) {
		static uint8_t junk[4096];
		memset(junk, 0xff, sizeof junk);
		raw(junk, sizeof junk);
	} else if (strcmp(what, "truncated") == 0) {
		header(VXN_F_STDOUT, 1000);
		raw("0123456789", 10);
	} else if (strcmp(what, "exit-twice") == 0) {
		exit_report(3);
		exit_report(4);
	} else if (strcmp(what, "lies") == 0) {
		idle(true);
	} else if (strcmp(what, "errors") == 0) {
		for (int i = 0; i < 10000; i++)
			put(VXN_F_ERROR, "hostile error report", 20);
	} else if (strcmp(what, "console") == 0) {
		console_flood();
	} else if (strcmp(what, "xenstore") == 0) {
		hostile_xenstore();
	}
	idle(false);
}
