#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>
#include <xen/io/xs_wire.h>

#include "console.h"

#define LAUNCH_WAIT_MS 10000  /* the monitor queued it all before we ran */
#define RECHECK_MS 1000
#define NO_WATCH_POLL_MS 50
#define XENBUS_DEVICE "/dev/xen/xenbus"

bool pool_mode(void)
{
	return access(VXN_LAUNCH_PATH, F_OK) != 0;
}

static bool channel_offered(struct xs_handle *xs)
{
	unsigned int len;
	/* the server writes ring-ref and event-channel in one transaction */
	char *v = xs_read(xs, XBT_NULL, VXN_XS_CHANNEL "/event-channel", &len);

	free(v);
	return v != NULL;
}

/* A xenstore watch read straight off the xenbus device: Debian's static
 * libxenstore has no reader thread, so through it a watch event is taken for
 * the reply to the next request (EINVAL, lab). Here the fd is only polled
 * and drained: readable means "look again". -1 when it cannot be set. */
static int watch_open(struct xs_handle *xs, const char *rel)
{
	static const char token[] = "vxn";
	char path[96], msg[sizeof(struct xsd_sockmsg) + sizeof(path) + sizeof(token)];
	unsigned int n;
	char *domid = xs_read(xs, XBT_NULL, "domid", &n);
	int ok = domid && n > 0 && n < 8 && strspn(domid, "0123456789") == n;

	/* the kernel takes only absolute paths for watches */
	if (ok)
		snprintf(path, sizeof(path), "/local/domain/%s/%s", domid, rel);
	free(domid);
	if (!ok)
		return -1;
	size_t plen = strlen(path) + 1;
	struct xsd_sockmsg h = { .type = XS_WATCH, .req_id = 1, .tx_id = 0,
				 .len = (uint32_t)(plen + sizeof(token)) };
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), path, plen);
	memcpy(msg + sizeof(h) + plen, token, sizeof(token));
	int fd = open(XENBUS_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && write(fd, msg, sizeof(h) + h.len) != (ssize_t)(sizeof(h) + h.len)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A monitor takes us (pool.h) and, once we are paused, publishes the
 * channel: the watch fires then, and we see it when start unpauses us.
 * While the guest waits (for hours perhaps) it reads xenstore once per
 * event and once per RECHECK_MS, in case an event was missed. */
int pool_wait_for_monitor(struct vxn_err *err)
{
	struct xs_handle *xs = xs_open(0);

	if (!xs)
		return err_set(err, errno, "connecting to xenstore");
	int fd = watch_open(xs, VXN_XS_CHANNEL);
	/* relative: in our own home, /local/domain/<domid>/ */
	if (!xs_write(xs, XBT_NULL, VXN_XS_POOL_READY, VXN_POOL_READY_VALUE,
		      (unsigned)strlen(VXN_POOL_READY_VALUE))) {
		int e = errno;
		xs_close(xs);
		if (fd >= 0)
			close(fd);
		return err_set(err, e, "xenstore: writing %s", VXN_XS_POOL_READY);
	}
	console_say("pool: waiting for a container at %llu ms uptime%s",
		    (unsigned long long)uptime_ms(), fd < 0 ? " (no watch: polling)" : "");
	while (!channel_offered(xs)) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[512];
		if (poll(&pfd, fd >= 0 ? 1 : 0, fd >= 0 ? RECHECK_MS : NO_WATCH_POLL_MS) > 0)
			while (read(fd, buf, sizeof buf) > 0)
				;
	}
	if (fd >= 0)
		close(fd);
	xs_close(xs);
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
