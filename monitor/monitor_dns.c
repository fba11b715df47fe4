/* See monitor_dns.h. */
#include "monitor_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define PROC_NET_UDP_MAX 65536

void dns_init(struct mon_dns *d)
{
	memset(d, 0, sizeof *d);
	for (int i = 0; i < DNS_PENDING_MAX; i++)
		d->q[i].fd = -1;
	d->poll_base = -1;
}

static void pending_drop(struct dns_pending *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

void dns_close(struct mon_dns *d)
{
	for (int i = 0; i < DNS_PENDING_MAX; i++)
		pending_drop(&d->q[i]);
}

/* One line of /proc/net/udp: true with its local port when it is a socket
 * bound to 127.0.0.11 and not connected (no remote address). */
static bool resolver_line(const char *line, uint16_t *port)
{
	unsigned laddr, lport, raddr, rport;

	if (sscanf(line, " %*u: %8X:%4X %8X:%4X", &laddr, &lport, &raddr, &rport) != 4)
		return false;
	/* the kernel prints the address's bytes read as a u32 of this host */
	if (laddr != (unsigned)inet_addr(VXN_DNS_RESOLVER))
		return false;
	*port = (uint16_t)lport;
	return raddr == 0 && rport == 0;
}

uint16_t dns_resolver_port(const char *text)
{
	uint16_t port, other = 0;
	unsigned found = 0;

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!resolver_line(line, &port))
			continue;
		if (port == VXN_DNS_PORT)
			return VXN_DNS_PORT;
		other = port;
		found++;
	}
	return found == 1 ? other : VXN_DNS_PORT;
}

static uint16_t resolver_port_here(void)
{
	static char buf[PROC_NET_UDP_MAX];
	int fd = open("/proc/self/net/udp", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return VXN_DNS_PORT;
	while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return dns_resolver_port(buf);
}

/* A socket connected to the resolver with the query sent: the fd or -1. */
static int ask_resolver(const uint8_t *msg, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(resolver_port_here()) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, VXN_DNS_RESOLVER, &to.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) ||
	    send(fd, msg, len, 0) != (ssize_t)len) {
		log_debug("monitor: dns: asking %s:%u: %s", VXN_DNS_RESOLVER,
			  ntohs(to.sin_port), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Within DNS_RATE_MAX queries this second: counts this one. */
static bool rate_ok(struct mon_dns *d, long now_ms)
{
	if (now_ms - d->window_ms >= 1000) {
		if (d->dropped)
			log_debug("monitor: dns: %u queries dropped (limits)", d->dropped);
		d->window_ms = now_ms;
		d->window_count = 0;
		d->dropped = 0;
	}
	return d->window_count++ < DNS_RATE_MAX;
}

static struct dns_pending *free_slot(struct mon_dns *d)
{
	for (int i = 0; i < DNS_PENDING_MAX; i++)
		if (d->q[i].fd < 0)
			return &d->q[i];
	return NULL;
}

bool dns_guest_query(struct mon_dns *d, const uint8_t *p, size_t len, long now_ms)
{
	const uint8_t *msg;
	size_t msg_len;
	uint32_t id;

	if (vxn_dns_decode(p, len, &id, &msg, &msg_len))
		return false;
	struct dns_pending *q = free_slot(d);
	if (!q || !rate_ok(d, now_ms)) {
		d->dropped++;
		return true;
	}
	int fd = ask_resolver(msg, msg_len);
	if (fd >= 0)
		*q = (struct dns_pending){ .fd = fd, .id = id, .msg_id = vxn_dns_msg_id(msg),
					   .deadline_ms = now_ms + DNS_TIMEOUT_MS };
	return true;
}

void dns_poll_add(struct mon_dns *d, struct pollfd *fds, int *n)
{
	d->poll_base = *n;
	for (int i = 0; i < DNS_PENDING_MAX; i++)
		fds[(*n)++] = (struct pollfd){ .fd = d->q[i].fd, .events = POLLIN };
}

/* The resolver's answer to q, to the guest (if the channel has room: else
 * it is dropped, and the client asks again). */
static void relay_reply(struct dns_pending *q, struct channel *ch)
{
	static uint8_t msg[VXN_DNS_MSG_MAX], payload[VXN_DNS_MAX_BYTES];
	struct vxn_err err;
	ssize_t n = recv(q->fd, msg, sizeof msg, MSG_TRUNC);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* a reply to another query (or none) is not this one's answer */
	if (n >= (ssize_t)VXN_DNS_MSG_MIN && n <= (ssize_t)VXN_DNS_MSG_MAX &&
	    vxn_dns_msg_id(msg) == q->msg_id) {
		size_t len = vxn_dns_encode(q->id, msg, (size_t)n, payload, sizeof payload);
		if (channel_out_space(ch) < VXN_FRAME_HDR_BYTES + len ||
		    channel_send(ch, VXN_F_DNS_REPLY, 0, payload, (uint32_t)len, &err))
			log_debug("monitor: dns: reply dropped (channel full)");
	} else if (n >= 0) {
		log_debug("monitor: dns: unusable reply of %zd bytes", n);
		return;
	}
	pending_drop(q);
}

void dns_poll_done(struct mon_dns *d, struct channel *ch, const struct pollfd *fds,
		   long now_ms)
{
	for (int i = 0; i < DNS_PENDING_MAX; i++) {
		struct dns_pending *q = &d->q[i];
		if (q->fd < 0)
			continue;
		if (d->poll_base >= 0 && fds[d->poll_base + i].fd == q->fd &&
		    fds[d->poll_base + i].revents)
			relay_reply(q, ch);
		if (q->fd >= 0 && now_ms >= q->deadline_ms)
			pending_drop(q);
	}
	d->poll_base = -1;
}

int dns_timeout_ms(const struct mon_dns *d, long now_ms)
{
	long t = -1;

	for (int i = 0; i < DNS_PENDING_MAX; i++) {
		if (d->q[i].fd < 0)
			continue;
		long left = d->q[i].deadline_ms > now_ms ? d->q[i].deadline_ms - now_ms : 0;
		if (t < 0 || left < t)
			t = left;
	}
	return (int)t;
}
