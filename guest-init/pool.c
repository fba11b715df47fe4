#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#include "console.h"
#include "cpus.h"

#define LAUNCH_WAIT_MS 10000  /* the monitor queued it all before we ran */
#define RECHECK_MS 1000
#define NO_EVENTS_POLL_MS 20

bool pool_mode(void)
{
	return access(VXN_LAUNCH_PATH, F_OK) != 0;
}

/* Taken means: our root disk was hot-plugged. The monitor publishes the
 * channel and queues the launch data before it attaches the disk (all while
 * we are paused), so once the disk is here the rest is too. The disk's
 * uevent wakes us: no xenstore watch (Debian's static libxenstore has no
 * reader thread, and a watch event is then taken for a reply) and no
 * polling of xenstore while the guest waits, perhaps for hours. */
int pool_wait_for_monitor(struct vxn_err *err)
{
	struct xs_handle *xs = xs_open(0);
	struct stat st;

	if (!xs)
		return err_set(err, errno, "connecting to xenstore");
	/* relative: in our own home, /local/domain/<domid>/ */
	bool said = xs_write(xs, XBT_NULL, VXN_XS_POOL_READY, VXN_POOL_READY_VALUE,
			     (unsigned)strlen(VXN_POOL_READY_VALUE));
	int e = errno;
	xs_close(xs);
	if (!said)
		return err_set(err, e, "xenstore: writing %s", VXN_XS_POOL_READY);
	int fd = cpu_events_open();  /* every uevent, the disk's among them */
	console_say("pool: waiting for a container at %llu ms uptime",
		    (unsigned long long)uptime_ms());
	while (stat(VXN_ROOT_DEVICE, &st) != 0) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[2048];
		/* the timeout only guards against a missed event (fd -1: polling) */
		if (poll(&pfd, fd >= 0 ? 1 : 0, fd >= 0 ? RECHECK_MS : NO_EVENTS_POLL_MS) > 0)
			while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
				;
	}
	if (fd >= 0)
		close(fd);
	console_say("pool: taken at %llu ms uptime", (unsigned long long)uptime_ms());
	return 0;
}

/* 1 at LAUNCH_END, 0 for more, -1 on a protocol error. */
static int take_launch_frames(struct byteq *in, uint8_t *buf, size_t *len, struct vxn_err *err)
{
	struct vxn_frame_hdr h;
	const uint8_t *p;
	int k;

	while ((k = frame_peek(in, &h, &p)) == 1) {
		if (h.stream != 0 || (h.type != VXN_F_LAUNCH && h.type != VXN_F_LAUNCH_END))
			return err_set(err, EPROTO, "frame type %u before the launch data", h.type);
		if (h.type == VXN_F_LAUNCH_END) {
			byteq_drop(in, VXN_FRAME_HDR_BYTES);
			return 1;
		}
		if (h.len > VXN_POOL_LAUNCH_MAX - *len)
			return err_set(err, E2BIG, "launch data over %u bytes", VXN_POOL_LAUNCH_MAX);
		memcpy(buf + *len, p, h.len);
		*len += h.len;
		byteq_drop(in, VXN_FRAME_HDR_BYTES + h.len);
	}
	return k < 0 ? err_set(err, EPROTO, "bad frame from the host") : 0;
}

int pool_receive_launch(struct relay *r, struct vxn_launch *l, struct vxn_err *err)
{
	uint8_t *buf = malloc(VXN_POOL_LAUNCH_MAX);
	uint64_t deadline = uptime_ms() + LAUNCH_WAIT_MS;
	size_t len = 0;
	int k = 0;

	memset(l, 0, sizeof *l);
	if (!buf)
		return err_set(err, ENOMEM, "launch data");
	while (k == 0) {
		if (channel_recv(r->ch, &r->in) < 0) {
			k = err_set(err, 0, "host channel closed before the launch data");
			break;
		}
		k = take_launch_frames(&r->in, buf, &len, err);
		if (k != 0)
			break;
		uint64_t now = uptime_ms();
		if (now >= deadline) {
			k = err_set(err, ETIMEDOUT, "waiting for the launch data");
			break;
		}
		struct pollfd pfd = { channel_fd(r->ch), POLLIN, 0 };
		if (poll(&pfd, 1, (int)(deadline - now)) > 0)
			channel_event(r->ch);
	}
	if (k == 1) {
		k = vxn_launch_decode(buf, len, l);
		if (k != 0)
			k = err_set(err, -k, "launch data from the host");
	}
	free(buf);
	return k < 0 ? -1 : 0;
}
