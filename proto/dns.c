/* The DNS_QUERY and DNS_REPLY payload: u32 id, little-endian, then one DNS
 * message of VXN_DNS_MSG_MIN..VXN_DNS_MSG_MAX bytes, passed on as it is (the
 * resolver and the client parse DNS; the channel only bounds it). */
#include "vxn-proto.h"

#include <errno.h>
#include <string.h>

static bool msg_len_ok(size_t len)
{
	return len >= VXN_DNS_MSG_MIN && len <= VXN_DNS_MSG_MAX;
}

size_t vxn_dns_encode(uint32_t id, const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
	if (!msg_len_ok(len) || cap < VXN_DNS_ID_BYTES + len)
		return 0;
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(id >> (8 * i));
	memcpy(out + VXN_DNS_ID_BYTES, msg, len);
	return VXN_DNS_ID_BYTES + len;
}

int vxn_dns_decode(const uint8_t *p, size_t len, uint32_t *id, const uint8_t **msg,
		   size_t *msg_len)
{
	*id = 0;
	*msg = NULL;
	*msg_len = 0;
	if (len < VXN_DNS_ID_BYTES || !msg_len_ok(len - VXN_DNS_ID_BYTES))
		return -EPROTO;
	*id = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	*msg = p + VXN_DNS_ID_BYTES;
	*msg_len = len - VXN_DNS_ID_BYTES;
	return 0;
}

uint16_t vxn_dns_msg_id(const uint8_t *msg)
{
	return (uint16_t)(msg[0] << 8 | msg[1]);
}
