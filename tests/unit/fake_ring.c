/* See fake_ring.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_ring.h"

#define CAP (64u << 20)

void fake_ring_init(struct fake_ring *r, size_t room)
{
	r->bytes = malloc(CAP);
	assert_non_null(r->bytes);
	r->len = 0;
	r->room = room;
}

void fake_ring_free(struct fake_ring *r)
{
	free(r->bytes);
	r->bytes = NULL;
}

void fake_ring_put(struct fake_ring *r, const void *p, size_t n)
{
	assert_true(n <= r->room && r->len + n <= CAP);
	memcpy(r->bytes + r->len, p, n);
	r->len += n;
	r->room -= n;
}

int fake_ring_frame(const struct fake_ring *r, struct fake_frame *f)
{
	if (f->off == r->len)
		return 0;
	assert_true(r->len - f->off >= VXN_FRAME_HDR_BYTES);
	assert_int_equal(vxn_frame_hdr_decode(r->bytes + f->off, &f->h), 0);
	assert_true(r->len - f->off - VXN_FRAME_HDR_BYTES >= f->h.len);
	f->p = r->bytes + f->off + VXN_FRAME_HDR_BYTES;
	f->off += VXN_FRAME_HDR_BYTES + f->h.len;
	return 1;
}

uint32_t fake_frame_credit(const struct fake_frame *f)
{
	uint32_t bytes;

	assert_int_equal(f->h.type, VXN_F_CREDIT);
	assert_int_equal(vxn_credit_decode(f->p, f->h.len, &bytes), 0);
	return bytes;
}

size_t fake_ring_frame_room(const struct fake_ring *r)
{
	if (r->room <= VXN_FRAME_HDR_BYTES)
		return 0;
	size_t room = r->room - VXN_FRAME_HDR_BYTES;
	return room < VXN_FRAME_MAX_PAYLOAD ? room : VXN_FRAME_MAX_PAYLOAD;
}

ssize_t fake_ring_read_frame(struct fake_ring *r, int fd, uint8_t type, uint16_t stream,
			     size_t max)
{
	static uint8_t buf[VXN_FRAME_MAX_PAYLOAD];
	uint8_t hdr[VXN_FRAME_HDR_BYTES];

	assert_true(max > 0 && max <= fake_ring_frame_room(r));
	ssize_t n = read(fd, buf, max);
	if (n <= 0)
		return n;
	vxn_frame_hdr_encode(&(struct vxn_frame_hdr){ .type = type, .stream = stream,
						      .len = (uint32_t)n }, hdr);
	fake_ring_put(r, hdr, sizeof hdr);
	fake_ring_put(r, buf, (size_t)n);
	return n;
}
