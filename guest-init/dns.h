/* Docker's embedded DNS in the guest (vxn-proto.h, DNS_QUERY): when the
 * container's resolv.conf names 127.0.0.11, guest-init answers on
 * 127.0.0.11:53 (UDP) in the guest, sends each query to the host and each
 * reply the host brings back to the client that asked. */
#ifndef VXN_GUEST_DNS_H
#define VXN_GUEST_DNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "framebuf.h"

#define DNS_GUEST_PENDING 64
#define DNS_GUEST_TIMEOUT_MS 10000  /* a query's slot is reused after this */

struct dns_client {
	bool used;
	uint32_t id;                /* the query's, on the channel */
	struct sockaddr_in from;    /* who asked */
	uint64_t deadline_ms;
};

struct guest_dns {
	int fd;                     /* the socket on 127.0.0.11:53, or -1 */
	uint32_t next_id;
	struct dns_client c[DNS_GUEST_PENDING];
};

/* 1 when the resolv.conf text has a "nameserver 127.0.0.11" line. */
bool dns_resolv_conf_names_resolver(const char *text);
/* Writes text over the file at path (a symlink is not followed): 0 or -1. */
int dns_resolv_conf_write(const char *path, const uint8_t *text, size_t len,
			  struct vxn_err *err);
/* fd -1: no resolver. */
void dns_guest_init(struct guest_dns *d);
/* Reads the resolv.conf at path (the container's, as the engine wrote it;
 * a symlink is not followed) and, when it names 127.0.0.11, binds
 * 127.0.0.11:53 (lo holds all of 127.0.0.0/8). 0 (also when there is
 * nothing to do) or -1. */
int dns_guest_start(struct guest_dns *d, const char *resolv_conf, struct vxn_err *err);
/* The queries waiting on the socket, each into a DNS_QUERY frame in out
 * while it has room (what does not fit is dropped: the client asks again). */
void dns_guest_read(struct guest_dns *d, struct byteq *out, uint64_t now_ms);
/* A DNS_REPLY frame's payload, to the client that asked: 0, or -EPROTO when
 * it is malformed; a reply nobody waits for is dropped. */
int dns_guest_reply(struct guest_dns *d, const uint8_t *p, size_t len);

#endif
