/* See dns.h. The resolv.conf names 127.0.0.11 exactly when the engine's
 * resolver is the container's name server (Docker writes it for
 * user-defined networks, with the host's servers behind it); when it does
 * not, nothing is bound and 127.0.0.11:53 stays free for the container. */
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

#define RESOLV_CONF_MAX 65536
#define READS_PER_WAKE 16

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The line at p (up to a newline) is "nameserver 127.0.0.11". */
static bool line_names_resolver(const char *p)
{
	static const char key[] = "nameserver", addr[] = VXN_DNS_RESOLVER;

	while (is_blank(*p))
		p++;
	if (strncmp(p, key, sizeof key - 1) || !is_blank(p[sizeof key - 1]))
		return false;
	p += sizeof key - 1;
	while (is_blank(*p))
		p++;
	if (strncmp(p, addr, sizeof addr - 1))
		return false;
	p += sizeof addr - 1;
	while (is_blank(*p))
		p++;
	return *p == '\0' || *p == '\n' || *p == '\r' || *p == '#' || *p == ';';
}

bool dns_resolv_conf_names_resolver(const char *text)
{
	for (const char *p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (line_names_resolver(p))
			return true;
	}
	return false;
}

int dns_resolv_conf_write(const char *path, const uint8_t *text, size_t len,
			  struct vxn_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return err_set(err, errno, "%s", path);
	int r = write_all(fd, text, len) ? err_set(err, errno, "writing %s", path) : 0;
	close(fd);
	return r;
}

void dns_guest_init(struct guest_dns *d)
{
	memset(d, 0, sizeof *d);
	d->fd = -1;
}

/* The file's text, NUL-terminated, into buf: false when absent or too big. */
static bool read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	size_t n = fread(buf, 1, cap - 1, f);
	bool whole = !ferror(f) && feof(f);
	fclose(f);
	buf[n] = '\0';
	return whole;
}

int dns_guest_start(struct guest_dns *d, const char *resolv_conf, struct vxn_err *err)
{
	static char text[RESOLV_CONF_MAX];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(VXN_DNS_PORT) };
	int one = 1;

	if (!read_text(resolv_conf, text, sizeof text) || !dns_resolv_conf_names_resolver(text))
		return 0;
	inet_pton(AF_INET, VXN_DNS_RESOLVER, &a.sin_addr);
	d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		return err_set(err, errno, "dns: socket");
	/* a server of the container's own on 0.0.0.0:53 can still bind (with
	 * SO_REUSEADDR, as DNS servers set it) */
	setsockopt(d->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(d->fd, (struct sockaddr *)&a, sizeof a)) {
		err_set(err, errno, "dns: bind %s:%d", VXN_DNS_RESOLVER, VXN_DNS_PORT);
		close(d->fd);
		d->fd = -1;
		return -1;
	}
	console_say("dns: answering on %s:%d for the engine's resolver", VXN_DNS_RESOLVER,
		    VXN_DNS_PORT);
	return 0;
}

/* A slot for a new query: a free one or one past its deadline. */
static struct dns_client *client_slot(struct guest_dns *d, uint64_t now_ms)
{
	for (int i = 0; i < DNS_GUEST_PENDING; i++)
		if (!d->c[i].used || now_ms >= d->c[i].deadline_ms)
			return &d->c[i];
	return NULL;
}

static void forward_query(struct guest_dns *d, struct byteq *out, const uint8_t *msg,
			  size_t len, const struct sockaddr_in *from, uint64_t now_ms)
{
	static uint8_t payload[VXN_DNS_MAX_BYTES];
	struct dns_client *c = client_slot(d, now_ms);
	uint32_t id = d->next_id++;
	size_t n = vxn_dns_encode(id, msg, len, payload, sizeof payload);

	/* the final ERROR and EXIT frames keep their reserve */
	if (!c || n == 0 ||
	    byteq_room(out) < VXN_FRAME_HDR_BYTES + n + FRAME_CONTROL_RESERVE ||
	    frame_put(out, VXN_F_DNS_QUERY, payload, n) != 0)
		return;
	*c = (struct dns_client){ .used = true, .id = id, .from = *from,
				  .deadline_ms = now_ms + DNS_GUEST_TIMEOUT_MS };
}

void dns_guest_read(struct guest_dns *d, struct byteq *out, uint64_t now_ms)
{
	static uint8_t msg[VXN_DNS_MSG_MAX];

	for (int i = 0; d->fd >= 0 && i < READS_PER_WAKE; i++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof from;
		ssize_t n = recvfrom(d->fd, msg, sizeof msg, MSG_TRUNC | MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (flen == sizeof from && n >= (ssize_t)VXN_DNS_MSG_MIN &&
		    n <= (ssize_t)VXN_DNS_MSG_MAX)
			forward_query(d, out, msg, (size_t)n, &from, now_ms);
	}
}

int dns_guest_reply(struct guest_dns *d, const uint8_t *p, size_t len)
{
	const uint8_t *msg;
	size_t msg_len;
	uint32_t id;

	if (vxn_dns_decode(p, len, &id, &msg, &msg_len))
		return -EPROTO;
	for (int i = 0; i < DNS_GUEST_PENDING; i++) {
		struct dns_client *c = &d->c[i];
		if (!c->used || c->id != id)
			continue;
		c->used = false;
		if (d->fd >= 0)
			sendto(d->fd, msg, msg_len, 0, (struct sockaddr *)&c->from, sizeof c->from);
		return 0;
	}
	return 0;
}
