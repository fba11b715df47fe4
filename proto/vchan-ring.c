#include "vchan-ring.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libxenvchan.h>
#include <xenevtchn.h>

#include "vxn-proto.h"

/* The barriers libxenvchan uses (xen_mb and friends) between our indexes and
 * the peer's: the peer runs on another CPU. */
#define ring_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define ring_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ring_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

static uint8_t *notify_bits_of_peer(struct libxenvchan *vc)
{
	return vc->is_server ? &vc->ring->cli_notify : &vc->ring->srv_notify;
}

static uint8_t *notify_bits_of_ours(struct libxenvchan *vc)
{
	return vc->is_server ? &vc->ring->srv_notify : &vc->ring->cli_notify;
}

/* Ask the peer to notify us on `bit` (VCHAN_NOTIFY_READ: it consumed;
 * VCHAN_NOTIFY_WRITE: it produced). */
static void request_notify(struct libxenvchan *vc, uint8_t bit)
{
	__atomic_fetch_or(notify_bits_of_peer(vc), bit, __ATOMIC_SEQ_CST);
	ring_mb();  /* the request is visible before we read the indexes again */
}

/* Notify the peer if it asked for `bit`, clearing its request. */
static int send_notify(struct libxenvchan *vc, uint8_t bit)
{
	ring_mb();  /* our index update is visible before we look */
	uint8_t prev = __atomic_fetch_and(notify_bits_of_ours(vc), (uint8_t)~bit, __ATOMIC_SEQ_CST);
	if (prev & bit)
		return xenevtchn_notify(vc->event, vc->event_port);
	return 0;
}

static size_t ring_size(const struct libxenvchan_ring *r)
{
	return (size_t)1 << r->order;
}

static size_t raw_space(struct libxenvchan *vc)
{
	uint32_t prod = vc->write.shr->prod;
	uint32_t cons = __atomic_load_n(&vc->write.shr->cons, __ATOMIC_ACQUIRE);
	size_t used = (uint32_t)(prod - cons);

	/* a peer whose consumer index is ahead of our producer: no room, ever */
	return used > ring_size(&vc->write) ? 0 : ring_size(&vc->write) - used;
}

/* raw(vc), and when that is under want, a request to be notified on `bit`
 * and raw(vc) again: the peer may have moved between the first read and the
 * request, which it would then not notify. */
static size_t at_least_or_notify(struct libxenvchan *vc, size_t want,
				 size_t (*raw)(struct libxenvchan *), uint8_t bit)
{
	size_t n = raw(vc);

	if (n >= want)
		return n;
	request_notify(vc, bit);
	return raw(vc);
}

size_t vchan_ring_space(struct libxenvchan *vc, size_t want)
{
	return at_least_or_notify(vc, want, raw_space, VCHAN_NOTIFY_READ);
}

static int span_of(const struct libxenvchan_ring *r, uint32_t pos, size_t off, size_t n,
		   struct iovec iov[2])
{
	size_t mask = ring_size(r) - 1;
	size_t at = ((size_t)pos + off) & mask;
	size_t first = ring_size(r) - at;

	iov[0].iov_base = (uint8_t *)r->buffer + at;
	if (n <= first) {
		iov[0].iov_len = n;
		return 1;
	}
	iov[0].iov_len = first;
	iov[1] = (struct iovec){ r->buffer, n - first };
	return 2;
}

int vchan_ring_span(struct libxenvchan *vc, size_t off, size_t n, struct iovec iov[2])
{
	return span_of(&vc->write, vc->write.shr->prod, off, n, iov);
}

void vchan_ring_put(struct libxenvchan *vc, size_t off, const void *p, size_t n)
{
	struct iovec iov[2];
	int k = vchan_ring_span(vc, off, n, iov);

	memcpy(iov[0].iov_base, p, iov[0].iov_len);
	if (k == 2)
		memcpy(iov[1].iov_base, (const uint8_t *)p + iov[0].iov_len, iov[1].iov_len);
}

int vchan_ring_commit(struct libxenvchan *vc, size_t n)
{
	ring_wmb();  /* the bytes are in place before the peer can see them */
	__atomic_store_n(&vc->write.shr->prod, vc->write.shr->prod + (uint32_t)n,
			 __ATOMIC_RELEASE);
	return send_notify(vc, VCHAN_NOTIFY_WRITE) < 0 ? -1 : 0;
}

static size_t raw_ready(struct libxenvchan *vc)
{
	uint32_t prod = __atomic_load_n(&vc->read.shr->prod, __ATOMIC_ACQUIRE);
	size_t ready = (uint32_t)(prod - vc->read.shr->cons);

	/* a peer claiming more than the ring holds is lying: nothing to read */
	return ready > ring_size(&vc->read) ? 0 : ready;
}

size_t vchan_ring_ready(struct libxenvchan *vc, size_t want)
{
	return at_least_or_notify(vc, want, raw_ready, VCHAN_NOTIFY_WRITE);
}

int vchan_ring_peek_span(struct libxenvchan *vc, size_t off, size_t n, struct iovec iov[2])
{
	ring_rmb();  /* the bytes are read after the producer index */
	return span_of(&vc->read, vc->read.shr->cons, off, n, iov);
}

void vchan_ring_get(struct libxenvchan *vc, size_t off, void *p, size_t n)
{
	struct iovec iov[2];
	int k = vchan_ring_peek_span(vc, off, n, iov);

	memcpy(p, iov[0].iov_base, iov[0].iov_len);
	if (k == 2)
		memcpy((uint8_t *)p + iov[0].iov_len, iov[1].iov_base, iov[1].iov_len);
}

int vchan_ring_consume(struct libxenvchan *vc, size_t n)
{
	ring_mb();  /* done with the bytes before the peer may overwrite them */
	__atomic_store_n(&vc->read.shr->cons, vc->read.shr->cons + (uint32_t)n, __ATOMIC_RELEASE);
	return send_notify(vc, VCHAN_NOTIFY_READ) < 0 ? -1 : 0;
}

size_t vchan_ring_frame_room(struct libxenvchan *vc)
{
	size_t space = vchan_ring_space(vc, VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD);

	if (space <= VXN_FRAME_HDR_BYTES)
		return 0;
	space -= VXN_FRAME_HDR_BYTES;
	return space < VXN_FRAME_MAX_PAYLOAD ? space : VXN_FRAME_MAX_PAYLOAD;
}

ssize_t vchan_ring_read_frame(struct libxenvchan *vc, int fd, uint8_t type, uint16_t stream,
			      size_t max)
{
	struct vxn_frame_hdr h = { .type = type, .stream = stream, .len = (uint32_t)max };
	uint8_t hdr[VXN_FRAME_HDR_BYTES];
	struct iovec iov[2];

	vxn_frame_hdr_encode(&h, hdr);
	if (max == 0 || vxn_frame_hdr_decode(hdr, &h) != 0) {
		errno = EINVAL;
		return -1;
	}
	/* the payload goes after the header's place; the header follows once
	 * the length is known */
	ssize_t n = readv(fd, iov, vchan_ring_span(vc, VXN_FRAME_HDR_BYTES, max, iov));
	if (n <= 0)
		return n;
	h.len = (uint32_t)n;
	vxn_frame_hdr_encode(&h, hdr);
	vchan_ring_put(vc, 0, hdr, sizeof hdr);
	/* published either way: a notification that fails (a broken event
	 * channel) leaves the peer to its next wake-up */
	(void)vchan_ring_commit(vc, VXN_FRAME_HDR_BYTES + (size_t)n);
	return n;
}
