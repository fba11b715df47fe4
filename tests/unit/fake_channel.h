/* An in-memory stand-in for monitor/channel.h's vchan channel, for the unit
 * tests of the monitor's relays (monitor_stdio.c, monitor_exec.c, credit.c),
 * which reach the guest through channel.h's calls only. It keeps the real
 * channel's contract: what is sent goes into the ring as far as the ring has
 * room, the rest waits in an outgoing buffer of CHANNEL_OUT_CAP bytes, a
 * frame that does not fit that buffer is refused (ENOBUFS) with nothing
 * queued, and a closed peer fails a send (EPIPE) once it is queued. What
 * went into the ring is kept in order, as guest-init would read it. */
#ifndef VXN_TEST_FAKE_CHANNEL_H
#define VXN_TEST_FAKE_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "fake_ring.h"

struct channel *fake_channel_new(size_t ring_room);
void fake_channel_free(struct channel *ch);
/* The guest read n more bytes: room for them in the ring (then flush). */
void fake_channel_ring_add(struct channel *ch, size_t n);
/* The guest closes its end. */
void fake_channel_close_peer(struct channel *ch);
/* The frames that reached the ring, one by one: fake_ring_frame. */
int fake_channel_guest_frame(const struct channel *ch, struct fake_frame *f);

#endif
