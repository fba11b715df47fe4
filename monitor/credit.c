/* See credit.h. Only channel.h's calls: the unit tests run it over an
 * in-memory channel. */
#include "credit.h"

#include "channel.h"

void credit_give(struct channel *ch, uint16_t stream, uint32_t *pending)
{
	uint8_t buf[VXN_CREDIT_BYTES];
	struct vxn_err err;

	if (!ch || *pending < VXN_STREAM_WINDOW / 4)
		return;
	uint32_t n = *pending > VXN_STREAM_WINDOW ? VXN_STREAM_WINDOW : *pending;
	if (channel_send(ch, VXN_F_CREDIT, stream, buf, (uint32_t)vxn_credit_encode(n, buf),
			 &err) == 0)
		*pending -= n;
}
