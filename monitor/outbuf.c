/* See outbuf.h. The direct path (nothing queued, the fd takes it all) costs
 * one write(2), as before; only what the reader has no room for is copied. */
#include "outbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* A second open file of the same pipe or tty: O_NONBLOCK on it is ours alone. */
static int reopen_nonblocking(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

#define OUTBUF_PIPE_BYTES (1 << 20)

int outbuf_init(struct outbuf *o, int fd)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->ok = fd >= 0 && fstat(fd, &st) == 0;
	o->buf = malloc(OUTBUF_CAP);
	if (!o->buf)
		return -1;
	if (!o->ok)
		return 0;  /* closed: everything is dropped */
	if (S_ISFIFO(st.st_mode) && fcntl(fd, F_GETPIPE_SZ) < OUTBUF_PIPE_BYTES)
		/* room for more than the 64 KiB default in the caller's pipe: one
		 * wake-up of its reader per MiB, not per 64 KiB (tests/bench, stdout);
		 * only the buffering changes, which a reader does not see */
		fcntl(fd, F_SETPIPE_SZ, OUTBUF_PIPE_BYTES);
	if (S_ISSOCK(st.st_mode)) {
		o->is_socket = true;
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		int nfd = reopen_nonblocking(fd);
		if (nfd >= 0) {
			o->fd = nfd;
			o->own_fd = true;
		} else if (fcntl(fd, F_GETFL) & O_NONBLOCK) {
			/* already non-blocking (a pty we made): fine as it is */
		} else {
			log_debug("outbuf: cannot reopen fd %d non-blocking: %s", fd, strerror(errno));
		}
	}
	return 0;
}

void outbuf_dispose(struct outbuf *o)
{
	if (o->own_fd)
		close(o->fd);
	free(o->buf);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

size_t outbuf_room(const struct outbuf *o)
{
	return o->ok ? OUTBUF_CAP - o->len : (size_t)-1;
}

bool outbuf_pending(const struct outbuf *o)
{
	return o->ok && o->len > 0;
}

/* Bytes written, 0 when the fd takes nothing now, -1 when the reader is gone. */
static ssize_t write_some(struct outbuf *o, const uint8_t *p, size_t len)
{
	ssize_t n;

	do {
		n = o->is_socket ? send(o->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL)
				 : write(o->fd, p, len);
	} while (n < 0 && errno == EINTR);
	if (n >= 0) {
		o->taken += (size_t)n;
		return n;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	log_debug("outbuf: fd %d: %s: dropping output from now on", o->fd, strerror(errno));
	o->ok = false;  /* what was not written: the caller counts it as taken */
	return -1;
}

void outbuf_flush(struct outbuf *o)
{
	size_t done = 0;

	while (o->ok && done < o->len) {
		ssize_t n = write_some(o, o->buf + done, o->len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (!o->ok) {  /* the reader is gone: the rest is dropped, as good as read */
		o->taken += o->len - done;
		o->len = 0;
		return;
	}
	if (done == 0)
		return;
	memmove(o->buf, o->buf + done, o->len - done);
	o->len -= done;
}

#define OUTBUF_DROPS_LOGGED 8u

void outbuf_write(struct outbuf *o, const uint8_t *p, size_t len)
{
	if (!o->ok) {
		o->taken += len;  /* dropped: as good as read */
		return;
	}
	if (o->len == 0) {
		ssize_t n = write_some(o, p, len);
		if (n < 0) {
			o->taken += len;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
	if (len > OUTBUF_CAP - o->len) {
		size_t over = len - (OUTBUF_CAP - o->len);
		if (o->drops < OUTBUF_DROPS_LOGGED) {
			o->drops++;
			log_warn("outbuf: %zu bytes beyond the buffer dropped%s", over,
				 o->drops == OUTBUF_DROPS_LOGGED ? " (further drops not logged)" : "");
		}
		o->taken += over;
		len = OUTBUF_CAP - o->len;
	}
	memcpy(o->buf + o->len, p, len);
	o->len += len;
}
