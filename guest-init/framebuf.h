/* Byte queues and frame (de)queuing for the relay, with no I/O so the unit
 * tests can drive them. The relay owns three queues: frames going to the
 * host, frames received from it, and bytes waiting for the process's stdin. */
#ifndef VXN_GUEST_FRAMEBUF_H
#define VXN_GUEST_FRAMEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vxn-proto.h"

struct byteq {
	uint8_t *data;   /* storage of cap bytes, owned by the caller */
	size_t cap;
	size_t len;
};

size_t byteq_room(const struct byteq *q);
/* Append n bytes: 0, or -ENOSPC (nothing appended). */
int byteq_push(struct byteq *q, const void *p, size_t n);
/* Remove the first n (<= len) bytes. */
void byteq_drop(struct byteq *q, size_t n);

/* Append one frame (header + payload) for stream 0: 0, -EINVAL if the
 * payload is over the type's limit, -ENOSPC if it does not fit. */
int frame_put(struct byteq *q, uint8_t type, const void *payload, size_t n);
/* The same for any stream (exec'd processes have streams >= 1). */
int frame_put_stream(struct byteq *q, uint8_t type, uint16_t stream, const void *payload,
		     size_t n);

/* Reading straight into the queue (one copy less per output frame, tests/
 * bench): frame_reserve gives where a payload of up to n bytes goes (NULL
 * without room), frame_commit then puts the header for the n bytes that
 * were written there. */
uint8_t *frame_reserve(struct byteq *q, size_t n);
int frame_commit(struct byteq *q, uint8_t type, uint16_t stream, size_t n);

/* Look at the first frame: 1 with *h and *payload set when a whole frame is
 * queued, 0 when more bytes are needed, -EPROTO for a bad header. The caller
 * drops VXN_FRAME_HDR_BYTES + h->len once it has used the frame. */
int frame_peek(const struct byteq *q, struct vxn_frame_hdr *h, const uint8_t **payload);

/* Room kept free in the outgoing queue for the ERROR and EXIT frames, so the
 * final report never waits behind output. */
#define FRAME_CONTROL_RESERVE \
	(2 * VXN_FRAME_HDR_BYTES + VXN_ERROR_MAX + VXN_EXIT_BYTES)
/* Whether the outgoing queue can take one more full output frame. */
bool frame_room_for_output(const struct byteq *q);

#endif
