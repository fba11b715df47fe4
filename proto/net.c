/* The NET frame's payload: the container's network, host -> guest.
 *
 * Wire format: u8 has_nic, u8 mac[6], u32 mtu, u8 naddrs, u8 nroutes, then
 * naddrs x { u8 family, u8 prefix, u8 addr[16] } and nroutes x { u8 family,
 * u8 dst_len, u8 has_gateway, u8 dst[16], u8 gateway[16] }; u32 little-endian.
 * Without a NIC every field after has_nic is zero. The guest parses it
 * strictly: one rule set (net_ok) for both directions. */
#include "vxn-proto.h"

#include <errno.h>
#include <string.h>

#define HEAD_BYTES 13u

uint8_t vxn_net_addr_len(uint8_t family)
{
	return family == 4 ? 4 : family == 6 ? 16 : 0;
}

/* family known, prefix within it, nothing past an IPv4 address */
static bool addr_ok(uint8_t family, uint8_t prefix, const uint8_t a[16])
{
	uint8_t n = vxn_net_addr_len(family);

	if (!n || prefix > n * 8)
		return false;
	for (unsigned i = n; i < 16; i++)
		if (a[i])
			return false;
	return true;
}

static bool route_ok(const struct vxn_net_route *r)
{
	static const uint8_t zero[16];

	if (!addr_ok(r->family, r->dst_len, r->dst) ||
	    !addr_ok(r->family, 0, r->gateway))
		return false;
	return r->has_gateway || memcmp(r->gateway, zero, 16) == 0;
}

static bool net_ok(const struct vxn_net *n)
{
	static const uint8_t zero[6];

	if (!n->has_nic)
		return n->naddrs == 0 && n->nroutes == 0 && n->mtu == 0 &&
		       memcmp(n->mac, zero, 6) == 0;
	if ((n->mac[0] & 1) || memcmp(n->mac, zero, 6) == 0 ||
	    n->mtu < VXN_NET_MTU_MIN || n->mtu > VXN_NET_MTU_MAX ||
	    n->naddrs > VXN_NET_MAX_ADDRS || n->nroutes > VXN_NET_MAX_ROUTES)
		return false;
	for (uint32_t i = 0; i < n->naddrs; i++)
		if (!addr_ok(n->addrs[i].family, n->addrs[i].prefix, n->addrs[i].addr))
			return false;
	for (uint32_t i = 0; i < n->nroutes; i++)
		if (!route_ok(&n->routes[i]))
			return false;
	return true;
}

size_t vxn_net_encode(const struct vxn_net *n, uint8_t *out, size_t cap)
{
	size_t len = HEAD_BYTES + n->naddrs * VXN_NET_ADDR_BYTES + n->nroutes * VXN_NET_ROUTE_BYTES;
	uint8_t *p = out;

	if (!net_ok(n) || cap < VXN_NET_MAX_BYTES)
		return 0;
	*p++ = n->has_nic ? 1 : 0;
	memcpy(p, n->mac, 6);
	p += 6;
	for (int i = 0; i < 4; i++)
		*p++ = (uint8_t)(n->mtu >> (8 * i));
	*p++ = (uint8_t)n->naddrs;
	*p++ = (uint8_t)n->nroutes;
	for (uint32_t i = 0; i < n->naddrs; i++) {
		*p++ = n->addrs[i].family;
		*p++ = n->addrs[i].prefix;
		memcpy(p, n->addrs[i].addr, 16);
		p += 16;
	}
	for (uint32_t i = 0; i < n->nroutes; i++) {
		const struct vxn_net_route *r = &n->routes[i];
		*p++ = r->family;
		*p++ = r->dst_len;
		*p++ = r->has_gateway ? 1 : 0;
		memcpy(p, r->dst, 16);
		memcpy(p + 16, r->gateway, 16);
		p += 32;
	}
	return len;
}

static int decode_lists(const uint8_t *p, struct vxn_net *n)
{
	for (uint32_t i = 0; i < n->naddrs; i++) {
		n->addrs[i].family = *p++;
		n->addrs[i].prefix = *p++;
		memcpy(n->addrs[i].addr, p, 16);
		p += 16;
	}
	for (uint32_t i = 0; i < n->nroutes; i++) {
		struct vxn_net_route *r = &n->routes[i];
		r->family = *p++;
		r->dst_len = *p++;
		if (*p > 1)
			return -EPROTO;
		r->has_gateway = *p++ == 1;
		memcpy(r->dst, p, 16);
		memcpy(r->gateway, p + 16, 16);
		p += 32;
	}
	return 0;
}

int vxn_net_decode(const uint8_t *p, size_t len, struct vxn_net *n)
{
	memset(n, 0, sizeof *n);
	if (len < HEAD_BYTES || p[0] > 1)
		return -EPROTO;
	n->has_nic = p[0] == 1;
	memcpy(n->mac, p + 1, 6);
	n->mtu = (uint32_t)p[7] | (uint32_t)p[8] << 8 | (uint32_t)p[9] << 16 |
		 (uint32_t)p[10] << 24;
	n->naddrs = p[11];
	n->nroutes = p[12];
	if (n->naddrs > VXN_NET_MAX_ADDRS || n->nroutes > VXN_NET_MAX_ROUTES ||
	    len != HEAD_BYTES + n->naddrs * VXN_NET_ADDR_BYTES + n->nroutes * VXN_NET_ROUTE_BYTES ||
	    decode_lists(p + HEAD_BYTES, n) || !net_ok(n)) {
		memset(n, 0, sizeof *n);
		return -EPROTO;
	}
	return 0;
}
