/* Frames written straight into libxenvchan's rings and read straight out of
 * them, where libxenvchan_write/read would copy through a buffer of ours
 * (tests/bench: stdout throughput, one copy fewer on each side). The ring
 * layout and the notification protocol are libxenvchan's own
 * (xen/io/libxenvchan.h), and struct libxenvchan is public, so these mix
 * freely with libxenvchan's calls on the same channel.
 *
 * Offsets are from the current write (or read) position, so one frame's
 * header and payload can be placed before the frame is published. */
#ifndef VXN_VCHAN_RING_H
#define VXN_VCHAN_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct libxenvchan;

/* Free bytes in our write ring. Under `want`, asks the peer to notify us once
 * it has consumed some (so the caller may poll for room). */
size_t vchan_ring_space(struct libxenvchan *vc, size_t want);
/* n bytes of the write ring from offset off as one or two pieces (the ring
 * wraps): the number of iovecs used. The caller keeps off + n <= space. */
int vchan_ring_span(struct libxenvchan *vc, size_t off, size_t n, struct iovec iov[2]);
/* Copy n bytes into the write ring at offset off. */
void vchan_ring_put(struct libxenvchan *vc, size_t off, const void *p, size_t n);
/* Publish the next n bytes written at offsets 0..n-1 and notify the peer if
 * it asked: 0, or -1 when the notification failed. */
int vchan_ring_commit(struct libxenvchan *vc, size_t n);

/* Bytes ready in our read ring (0 for a peer whose indexes make no sense).
 * Under `want`, asks the peer to notify us when it writes more. */
size_t vchan_ring_ready(struct libxenvchan *vc, size_t want);
/* As vchan_ring_span, for n ready bytes of the read ring from offset off. */
int vchan_ring_peek_span(struct libxenvchan *vc, size_t off, size_t n, struct iovec iov[2]);
/* Copy n ready bytes from offset off out of the read ring (a single read of
 * memory the peer may be changing: parse only the copy). */
void vchan_ring_get(struct libxenvchan *vc, size_t off, void *p, size_t n);
/* Give the next n read bytes back to the peer and notify it if it asked. */
int vchan_ring_consume(struct libxenvchan *vc, size_t n);

/* Frames of proto/vxn-proto.h in the write ring. */

/* Payload bytes one more frame can carry in the write ring now, up to
 * VXN_FRAME_MAX_PAYLOAD; below that it asks the peer to notify us once it
 * consumes. */
size_t vchan_ring_frame_room(struct libxenvchan *vc);
/* One read(2) of fd straight into the ring as a frame of `type` for
 * `stream`, of max (<= vchan_ring_frame_room) payload bytes at most: read's
 * result, the frame published when it is > 0. */
ssize_t vchan_ring_read_frame(struct libxenvchan *vc, int fd, uint8_t type, uint16_t stream,
			      size_t max);

#endif
