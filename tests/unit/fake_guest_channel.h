/* An in-memory stand-in for guest-init/channel.h's vchan client, for the
 * unit tests of guest-init's relay (relay.c), which reaches the host through
 * channel.h's calls only. Frames from the host are put in by the test and
 * handed to channel_recv as far as the relay's queue has room; what the
 * relay sends goes into a ring of limited room and is kept in order, as the
 * monitor would read it. A closed host fails channel_send at once and
 * channel_recv once nothing is left to read, as libxenvchan does. */
#ifndef VXN_TEST_FAKE_GUEST_CHANNEL_H
#define VXN_TEST_FAKE_GUEST_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "fake_ring.h"

struct channel *fake_guest_channel_new(size_t ring_room);
void fake_guest_channel_free(struct channel *ch);
/* Bytes (whole frames, or part of one) the host writes for the guest. */
void fake_guest_channel_host_writes(struct channel *ch, const void *p, size_t n);
/* One frame from the host. */
void fake_guest_channel_host_frame(struct channel *ch, uint8_t type, uint16_t stream,
				   const void *p, uint32_t len);
/* The host read n more bytes from the ring. */
void fake_guest_channel_ring_add(struct channel *ch, size_t n);
void fake_guest_channel_close(struct channel *ch);
/* The frames the host got, one by one: fake_ring_frame. */
int fake_guest_channel_host_got(const struct channel *ch, struct fake_frame *f);

#endif
