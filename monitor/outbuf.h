/* A bounded, non-blocking writer for the container's stdout and stderr in
 * the monitor: a reader that stalls fills the buffer, never blocks the
 * monitor (its control socket and kill keep working). What the reader has
 * taken is counted (taken): the monitor gives it back to guest-init as
 * credit (VXN_F_CREDIT), so a stalled reader holds back the container's
 * process as a full pipe would, and nothing else. */
#ifndef VXN_OUTBUF_H
#define VXN_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vxn-proto.h"

#define OUTBUF_CAP VXN_STREAM_WINDOW  /* a stream's output in flight */

struct outbuf {
	int fd;            /* what is written to (our own open file when reopened) */
	bool own_fd;       /* fd is ours to close */
	bool is_socket;    /* written with send(MSG_DONTWAIT) */
	bool ok;           /* false once the reader is gone: output is dropped */
	size_t len;
	uint8_t *buf;      /* OUTBUF_CAP bytes */
	size_t taken;      /* bytes the reader took (or that were dropped) since the
			    * caller last reset it */
	unsigned drops;    /* times output beyond the buffer was dropped: logged
			    * for the first few only (a guest past its window
			    * must not flood the log) */
};

/* Prepares writing to fd without making the caller's open file description
 * non-blocking (it may be a shared terminal): pipes, FIFOs and ttys are
 * reopened through /proc/self/fd with O_NONBLOCK, sockets use MSG_DONTWAIT,
 * anything else (regular files) is written as it is. -1 if out of memory. */
int outbuf_init(struct outbuf *o, int fd);
void outbuf_dispose(struct outbuf *o);

/* Room for more; a dead reader has unbounded room (its output is dropped). */
size_t outbuf_room(const struct outbuf *o);
/* Queue and write what the fd takes now. len must fit outbuf_room. */
void outbuf_write(struct outbuf *o, const uint8_t *p, size_t len);
/* Write what is queued, as far as the fd takes it. */
void outbuf_flush(struct outbuf *o);
/* Bytes waiting: poll the fd for POLLOUT. */
bool outbuf_pending(const struct outbuf *o);

#endif
