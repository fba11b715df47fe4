/* Host side of the host/guest channel: a libxenvchan server carrying the
 * frames of proto/vxn-proto.h. Non-blocking both ways, bounded buffers. */
#ifndef VXN_CHANNEL_H
#define VXN_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vxn-proto.h"
#include "error.h"

struct channel;

/* Frames waiting for room in the ring: four whole ones. */
#define CHANNEL_OUT_CAP (4u * (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD))

/* Publish the ring at /local/domain/<domid>/VXN_XS_CHANNEL. Call after the
 * domain exists and before it runs. */
int channel_open(uint32_t domid, struct channel **ch, struct vxn_err *err);
void channel_close(struct channel *ch);  /* NULL is fine */

/* The fd to poll for POLLIN; after it wakes call channel_ack. */
int channel_fd(const struct channel *ch);
int channel_ack(struct channel *ch, struct vxn_err *err);

/* Next complete frame from the guest: 1 with *h and *payload (valid until the
 * next call, which gives the frame's ring space back), 0 when none is
 * complete yet, -1 on a malformed frame (the guest is then broken or
 * hostile). STDOUT and STDERR payloads may point into the shared ring: pass
 * them on, never parse them. */
int channel_next_frame(struct channel *ch, struct vxn_frame_hdr *h, const uint8_t **payload,
		       struct vxn_err *err);

/* Queue one frame and push what the ring takes. -1 when the outgoing buffer
 * cannot hold it (check channel_out_space first). */
int channel_send(struct channel *ch, uint8_t type, uint16_t stream, const void *payload,
		 uint32_t len, struct vxn_err *err);
/* Payload room for a frame read straight into the ring (0 while frames
 * wait in the outgoing buffer, which go first): vchan_ring_frame_room. */
size_t channel_frame_room(struct channel *ch);
/* One read(2) of fd into the ring as one frame: vchan_ring_read_frame. */
ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max);
/* Push queued bytes into the ring; call after each wake. */
int channel_flush(struct channel *ch, struct vxn_err *err);
size_t channel_out_space(const struct channel *ch);
size_t channel_out_pending(const struct channel *ch);
/* The guest closed its end (or died). */
bool channel_peer_closed(struct channel *ch);

#endif
