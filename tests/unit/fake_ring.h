/* The ring of an in-memory channel, shared by the unit tests' stand-ins for
 * monitor/channel.h (fake_channel.c) and guest-init/channel.h
 * (fake_guest_channel.c): what went into it is kept in order, as the peer
 * would read it, and it takes bytes only as far as it has room (the peer
 * makes more by reading). */
#ifndef VXN_TEST_FAKE_RING_H
#define VXN_TEST_FAKE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vxn-proto.h"

struct fake_ring {
	uint8_t *bytes;   /* what went into the ring, in order */
	size_t len;
	size_t room;      /* bytes the ring takes now */
};

void fake_ring_init(struct fake_ring *r, size_t room);
void fake_ring_free(struct fake_ring *r);
/* n bytes into the ring, which must have room for them. */
void fake_ring_put(struct fake_ring *r, const void *p, size_t n);
/* A walk through the frames in a ring, from the first (all zero). */
struct fake_frame {
	struct vxn_frame_hdr h;
	const uint8_t *p;   /* its payload */
	size_t off;         /* where the next frame starts */
};

/* The next frame into *f: 1, or 0 at the end; a torn or malformed frame
 * fails the test. */
int fake_ring_frame(const struct fake_ring *r, struct fake_frame *f);
/* The bytes a CREDIT frame gives; any other frame fails the test. */
uint32_t fake_frame_credit(const struct fake_frame *f);
/* Payload room for one more frame now, as vchan_ring_frame_room. */
size_t fake_ring_frame_room(const struct fake_ring *r);
/* One read(2) of fd into the ring as one frame, as vchan_ring_read_frame
 * (max <= fake_ring_frame_room). */
ssize_t fake_ring_read_frame(struct fake_ring *r, int fd, uint8_t type, uint16_t stream,
			     size_t max);

#endif
