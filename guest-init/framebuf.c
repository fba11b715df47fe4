#include "framebuf.h"

#include <errno.h>
#include <string.h>

size_t byteq_room(const struct byteq *q)
{
	return q->cap - q->len;
}

int byteq_push(struct byteq *q, const void *p, size_t n)
{
	if (n > byteq_room(q))
		return -ENOSPC;
	if (n)
		memcpy(q->data + q->len, p, n);
	q->len += n;
	return 0;
}

void byteq_drop(struct byteq *q, size_t n)
{
	if (n >= q->len) {
		q->len = 0;
		return;
	}
	memmove(q->data, q->data + n, q->len - n);
	q->len -= n;
}

int frame_put(struct byteq *q, uint8_t type, const void *payload, size_t n)
{
	return frame_put_stream(q, type, 0, payload, n);
}

/* The header for a payload of n bytes: refused (-EINVAL) when the host
 * would refuse it, so a frame the host sees as malformed is never sent. */
static int frame_hdr_make(uint8_t type, uint16_t stream, size_t n,
			  uint8_t hdr[VXN_FRAME_HDR_BYTES])
{
	struct vxn_frame_hdr h = { .type = type, .stream = stream, .len = (uint32_t)n };
	struct vxn_frame_hdr check;

	if (n > VXN_FRAME_MAX_PAYLOAD)
		return -EINVAL;
	vxn_frame_hdr_encode(&h, hdr);
	return vxn_frame_hdr_decode(hdr, &check) == 0 ? 0 : -EINVAL;
}

int frame_put_stream(struct byteq *q, uint8_t type, uint16_t stream, const void *payload,
		     size_t n)
{
	uint8_t hdr[VXN_FRAME_HDR_BYTES];
	int r = frame_hdr_make(type, stream, n, hdr);

	if (r != 0)
		return r;
	if (VXN_FRAME_HDR_BYTES + n > byteq_room(q))
		return -ENOSPC;
	byteq_push(q, hdr, sizeof hdr);
	byteq_push(q, payload, n);
	return 0;
}

int frame_peek(const struct byteq *q, struct vxn_frame_hdr *h, const uint8_t **payload)
{
	*payload = NULL;
	if (q->len < VXN_FRAME_HDR_BYTES)
		return 0;
	if (vxn_frame_hdr_decode(q->data, h) != 0)
		return -EPROTO;
	if (q->len < VXN_FRAME_HDR_BYTES + h->len)
		return 0;
	*payload = q->data + VXN_FRAME_HDR_BYTES;
	return 1;
}

uint8_t *frame_reserve(struct byteq *q, size_t n)
{
	if (n > VXN_FRAME_MAX_PAYLOAD || VXN_FRAME_HDR_BYTES + n > byteq_room(q))
		return NULL;
	return q->data + q->len + VXN_FRAME_HDR_BYTES;
}

int frame_commit(struct byteq *q, uint8_t type, uint16_t stream, size_t n)
{
	if (n > VXN_FRAME_MAX_PAYLOAD || VXN_FRAME_HDR_BYTES + n > byteq_room(q))
		return -ENOSPC;
	int r = frame_hdr_make(type, stream, n, q->data + q->len);
	if (r == 0)
		q->len += VXN_FRAME_HDR_BYTES + n;
	return r;
}

bool frame_room_for_output(const struct byteq *q)
{
	return byteq_room(q) >= VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD +
				FRAME_CONTROL_RESERVE;
}
