/* libxenvchan server with frame framing. The guest is untrusted: a frame's
 * header is copied out of the ring before it is decoded, any header
 * vxn_frame_hdr_decode refuses is a protocol error, and only the opaque
 * payload of STDOUT and STDERR frames is handed out in place in the ring
 * (everything that gets parsed is copied first, so the guest cannot change
 * it between a check and a use). */
#include "channel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <unistd.h>

#include <libxenvchan.h>
#include <xengnttab.h>

#include "log.h"
#include "vchan-ring.h"
#include "xen_log.h"

#define FRAME_MAX (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)
#define OUT_CAP CHANNEL_OUT_CAP

struct channel {
	struct libxenvchan *vc;
	size_t in_held;       /* ring bytes of the frame last handed out, given
			       * back to the guest at the next call */
	uint8_t in[FRAME_MAX]; /* a frame's payload copied out of the ring */
	uint8_t out[OUT_CAP];
	size_t out_len;
};

/* dom0's gntalloc device shares at most `limit` pages for all its users
 * together, 1024 by default: the rings of 3 containers (CHANNEL_PAGES each;
 * lab: the 4th create failed with ENOSPC, and with the 256 KiB rings of the
 * day before, the 8th). Raised when it is about to run out, by room for 64
 * more channels; a dom0 image can set it at boot instead (options
 * xen_gntalloc limit=N). Pages count only while shared. */
#define GNTALLOC_LIMIT "/sys/module/xen_gntalloc/parameters/limit"
#define CHANNEL_PAGES ((VXN_RING_OUT_BYTES + VXN_RING_IN_BYTES) / 4096u + 1u)
#define GNTALLOC_LIMIT_MAX (1u << 22)

static bool raise_gntalloc_limit(void)
{
	unsigned long limit = 0;
	FILE *f = fopen(GNTALLOC_LIMIT, "r+e");

	if (!f)
		return false;
	bool ok = fscanf(f, "%lu", &limit) == 1 && limit < GNTALLOC_LIMIT_MAX;
	unsigned long want = limit + 64ul * CHANNEL_PAGES;
	if (ok) {
		rewind(f);
		ok = fprintf(f, "%lu\n", want < GNTALLOC_LIMIT_MAX ? want : GNTALLOC_LIMIT_MAX) > 0;
	}
	ok = fclose(f) == 0 && ok;
	if (ok)
		log_warn("channel: dom0's grant sharing limit (%s) was nearly reached: raised from %lu to "
			 "%lu", GNTALLOC_LIMIT, limit, want);
	return ok;
}

/* The limit's file, locked (-1 without it: no lock to take). */
static int gntalloc_lock(void)
{
	int fd = open(GNTALLOC_LIMIT, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		while (flock(fd, LOCK_EX) && errno == EINTR)
			;
	return fd;
}

/* Whether dom0 can share `pages` more pages with domid now: shared and
 * given back at once. */
static bool gntalloc_has_room(uint32_t domid, unsigned pages)
{
	uint32_t *refs = calloc(pages, sizeof *refs);
	xengntshr_handle *h = xengntshr_open(xen_logger(), 0);
	void *p = NULL;
	int e = 0;

	if (refs && h) {
		p = xengntshr_share_pages(h, domid, (int)pages, refs, 1);
		e = errno;
		if (p)
			xengntshr_unshare(h, p, pages);
	}
	if (h)
		xengntshr_close(h);
	free(refs);
	return p || e != ENOSPC;
}

int channel_open(uint32_t domid, struct channel **out, struct vxn_err *err)
{
	char path[64];
	struct channel *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return err_set(err, ENOMEM, "channel");
	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, VXN_XS_CHANNEL);
	/* The room is checked, and the limit raised, before libxenvchan can run
	 * into it: libxenvchan_server_init (Xen 4.17) cleans up a failed share
	 * with its xenstore path still uninitialised, and frees that (lab: the
	 * monitor died in libc). Monitors take turns (a flock on the limit's
	 * file), so no other one takes the room between the check and the
	 * share, and no raise is lost. */
	int lock = gntalloc_lock();
	bool room = gntalloc_has_room(domid, CHANNEL_PAGES) ||
		    (raise_gntalloc_limit() && gntalloc_has_room(domid, CHANNEL_PAGES));
	/* left: the guest writes, we read */
	if (room)
		ch->vc = libxenvchan_server_init(xen_logger(), (int)domid, path,
						 VXN_RING_OUT_BYTES, VXN_RING_IN_BYTES);
	int e = errno;
	if (lock >= 0)
		close(lock);
	if (!room) {
		free(ch);
		return err_set(err, ENOSPC, "creating the vchan server at %s: dom0 may share no "
			       "more pages (raise %s, or Xen's grant table is full)", path,
			       GNTALLOC_LIMIT);
	}
	if (!ch->vc) {
		free(ch);
		return err_set(err, e, "creating the vchan server at %s", path);
	}
	ch->vc->blocking = 0;
	log_debug("channel: vchan server at %s", path);
	*out = ch;
	return 0;
}

void channel_close(struct channel *ch)
{
	if (!ch)
		return;
	libxenvchan_close(ch->vc);
	free(ch);
}

int channel_fd(const struct channel *ch)
{
	return libxenvchan_fd_for_select(ch->vc);
}

int channel_ack(struct channel *ch, struct vxn_err *err)
{
	/* only after poll said the fd is readable: it reads the pending event */
	if (libxenvchan_wait(ch->vc) < 0)
		return err_set(err, errno, "vchan wait");
	return 0;
}

bool channel_peer_closed(struct channel *ch)
{
	return libxenvchan_is_open(ch->vc) == 0;
}

/* Output bytes pass through untouched: they may stay in the ring, unless the
 * payload wraps around the ring's end. */
static bool payload_in_place(const struct vxn_frame_hdr *h, const struct iovec *iov, int k)
{
	return k == 1 && (h->type == VXN_F_STDOUT || h->type == VXN_F_STDERR) && iov[0].iov_len;
}

int channel_next_frame(struct channel *ch, struct vxn_frame_hdr *h, const uint8_t **payload,
		       struct vxn_err *err)
{
	uint8_t hdr[VXN_FRAME_HDR_BYTES];
	struct iovec iov[2];

	if (ch->in_held && vchan_ring_consume(ch->vc, ch->in_held) < 0)
		log_debug("channel: notifying the guest failed");
	ch->in_held = 0;
	if (vchan_ring_ready(ch->vc, VXN_FRAME_HDR_BYTES) < VXN_FRAME_HDR_BYTES)
		return 0;  /* the caller sees channel_peer_closed */
	vchan_ring_get(ch->vc, 0, hdr, sizeof hdr);
	if (vxn_frame_hdr_decode(hdr, h) < 0)
		return err_set(err, EPROTO, "malformed frame from the guest (type %u, flags %u, "
			       "length %u)", hdr[0], hdr[1],
			       (unsigned)(hdr[4] | hdr[5] << 8 | hdr[6] << 16 |
					  (unsigned)hdr[7] << 24));
	size_t whole = VXN_FRAME_HDR_BYTES + h->len;
	if (vchan_ring_ready(ch->vc, whole) < whole)
		return 0;
	int k = vchan_ring_peek_span(ch->vc, VXN_FRAME_HDR_BYTES, h->len, iov);
	if (payload_in_place(h, iov, k)) {
		*payload = iov[0].iov_base;
	} else {
		vchan_ring_get(ch->vc, VXN_FRAME_HDR_BYTES, ch->in, h->len);
		*payload = ch->in;
	}
	ch->in_held = whole;
	return 1;
}

int channel_flush(struct channel *ch, struct vxn_err *err)
{
	while (ch->out_len) {
		int n = libxenvchan_write(ch->vc, ch->out, ch->out_len);
		if (n < 0)
			return err_set(err, EPIPE, "vchan write: the guest closed the channel");
		if (n == 0)
			break;
		memmove(ch->out, ch->out + n, ch->out_len - (size_t)n);
		ch->out_len -= (size_t)n;
	}
	return 0;
}

size_t channel_out_space(const struct channel *ch)
{
	return OUT_CAP - ch->out_len;
}

size_t channel_out_pending(const struct channel *ch)
{
	return ch->out_len;
}

int channel_send(struct channel *ch, uint8_t type, uint16_t stream, const void *payload,
		 uint32_t len, struct vxn_err *err)
{
	size_t n = vxn_frame_put(ch->out + ch->out_len, channel_out_space(ch), type, stream,
				 payload, len);

	if (n == 0)
		return err_set(err, ENOBUFS, "channel: outgoing buffer full");
	ch->out_len += n;
	return channel_flush(ch, err);
}

size_t channel_frame_room(struct channel *ch)
{
	if (ch->out_len || !libxenvchan_is_open(ch->vc))
		return 0;  /* closed: channel_send reports it */
	return vchan_ring_frame_room(ch->vc);
}

ssize_t channel_read_frame(struct channel *ch, int fd, uint8_t type, uint16_t stream,
			   size_t max)
{
	return vchan_ring_read_frame(ch->vc, fd, type, stream, max);
}
