/* The libxenvchan client end of the host channel: dom0's monitor is the
 * server and published the ring under our xenstore home before unpausing us.
 * Non-blocking; the relay polls channel_fd() and calls channel_event() when
 * it is readable. */
#ifndef VXN_GUEST_CHANNEL_H
#define VXN_GUEST_CHANNEL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "framebuf.h"

struct channel;

/* Connect, retrying for up to timeout_ms (the keys should already exist). */
struct channel *channel_open(int timeout_ms, struct vxn_err *err);
void channel_close(struct channel *ch);
int channel_fd(const struct channel *ch);
/* Consume the pending event notification (only when channel_fd is readable). */
void channel_event(struct channel *ch);
bool channel_is_open(const struct channel *ch);
/* Move as many queued bytes as the ring takes now: bytes moved, or -1 when
 * the channel is closed or broken. */
int channel_send(struct channel *ch, struct byteq *out);
/* Payload room for one more frame in the ring now (0 when closed):
 * vchan_ring_frame_room. */
size_t channel_frame_room(struct channel *ch);
/* One read(2) of fd straight into the ring as one frame:
 * vchan_ring_read_frame. */
ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max);
/* Append what the ring holds to in (up to its room): bytes moved or -1. */
int channel_recv(struct channel *ch, struct byteq *in);
/* True when the host has consumed everything we wrote into the ring. */
bool channel_drained(const struct channel *ch);

#endif
