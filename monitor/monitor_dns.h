/* The monitor's half of Docker's embedded DNS (vxn-proto.h, DNS_QUERY): the
 * monitor lives in the container's network namespace, where the engine's
 * resolver answers on 127.0.0.11, so each query the guest sends is asked
 * there from a UDP socket of its own, connected to the resolver, and the
 * reply goes back to the guest with the query's id. The guest is hostile:
 * at most DNS_PENDING_MAX queries wait at a time and DNS_RATE_MAX a second
 * are asked; the rest are dropped, as a busy resolver drops them (the
 * client asks again). */
#ifndef VXN_MONITOR_DNS_H
#define VXN_MONITOR_DNS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"

#define DNS_PENDING_MAX 16
#define DNS_RATE_MAX 200        /* queries asked per second */
#define DNS_TIMEOUT_MS 5000     /* a query without an answer is dropped */

struct dns_pending {
	int fd;                 /* -1: free */
	uint32_t id;            /* the guest's */
	uint16_t msg_id;        /* the DNS message's */
	long deadline_ms;
};

struct mon_dns {
	struct dns_pending q[DNS_PENDING_MAX];
	long window_ms;         /* start of the current second */
	unsigned window_count;  /* queries asked in it */
	unsigned dropped;       /* since the last log line */
	int poll_base;
};

void dns_init(struct mon_dns *d);
void dns_close(struct mon_dns *d);
/* A DNS_QUERY frame's payload: false when it is malformed (the guest broke
 * the protocol); a query over the limits is dropped and counts as handled. */
bool dns_guest_query(struct mon_dns *d, const uint8_t *p, size_t len, long now_ms);
/* One pollfd per slot, fd -1 for the free ones. */
void dns_poll_add(struct mon_dns *d, struct pollfd *fds, int *n);
/* Replies to the guest, and the queries past their deadline dropped. */
void dns_poll_done(struct mon_dns *d, struct channel *ch, const struct pollfd *fds,
		   long now_ms);
/* ms until the next deadline, or -1 when nothing waits. */
int dns_timeout_ms(const struct mon_dns *d, long now_ms);

/* Where the resolver answers, from the text of /proc/net/udp of the
 * namespace: 53 when a socket is bound to 127.0.0.11:53; otherwise the port
 * of the one unconnected socket bound to 127.0.0.11 (Docker's resolver
 * listens on a random port and DNATs 53 to it with iptables in the
 * namespace, which a dockerd run without iptables may not have made);
 * otherwise 53. */
uint16_t dns_resolver_port(const char *proc_net_udp);

#endif
