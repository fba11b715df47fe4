/* See etcfiles.h. */
#include "etcfiles.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESOLV_DEFAULTS "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"

#define LOOPBACK_NAMES                                                                    \
	"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"               \
	"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"        \
	"ff02::2\tip6-allrouters\n"

char *etc_hosts(const char *hostname, const char *ip, const char *const *extra, size_t nextra,
		const char *gateway)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok = f != NULL;

	if (f)
		fputs(LOOPBACK_NAMES, f);
	for (size_t i = 0; ok && i < nextra; i++) {
		const char *colon = strchr(extra[i], ':');
		const char *addr = colon ? colon + 1 : "";
		if (!strcmp(addr, "host-gateway"))
			addr = gateway && gateway[0] ? gateway : NULL;
		if (!colon || !addr)
			ok = false;
		else
			fprintf(f, "%s\t%.*s\n", addr, (int)(colon - extra[i]), extra[i]);
	}
	if (ok && ip && ip[0])
		fprintf(f, "%s\t%s\n", ip, hostname);
	if (f && fclose(f))
		ok = false;
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *etc_hostname(const char *hostname)
{
	char *out = NULL;
	return asprintf(&out, "%s\n", hostname) < 0 ? NULL : out;
}

/* The address of a "nameserver ADDR" line (first word after the keyword,
 * into addr), or false for any other line. */
static bool nameserver_of(const char *line, size_t n, char *addr, size_t cap)
{
	static const char key[] = "nameserver";
	size_t i = 0, k = sizeof key - 1;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (n - i <= k || strncmp(line + i, key, k) || (line[i + k] != ' ' && line[i + k] != '\t'))
		return false;
	for (i += k; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	size_t start = i;
	while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '#' && line[i] != ';')
		i++;
	if (i - start >= cap)
		i = start + cap - 1;
	memcpy(addr, line + start, i - start);
	addr[i - start] = '\0';
	return true;
}

/* A name server a container on vdkr's IPv4 bridge can reach. */
static bool usable(const char *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, addr, &a) != 1)
		return false;  /* IPv6 (no IPv6 on the bridge) or not an address */
	return (ntohl(a.s_addr) >> 24) != 127;
}

int etc_resolv_names_stub(const char *text, size_t len)
{
	char addr[64];

	for (size_t at = 0; text && at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		if (nameserver_of(text + at, n, addr, sizeof addr) && !strcmp(addr, "127.0.0.53"))
			return 1;
		at += n + 1;
	}
	return 0;
}

/* The host's lines, its name servers kept when keep_servers (the usable
 * ones), then dns's, or docker's defaults when no server is left. */
static char *resolv_conf(const char *host, size_t len, bool keep_servers, const char *const *dns,
			 size_t ndns)
{
	char *buf = NULL, addr[64];
	size_t size = 0;
	bool any = false;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	for (size_t at = 0; host && at < len;) {
		const char *nl = memchr(host + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (host + at)) : len - at;
		bool ns = nameserver_of(host + at, n, addr, sizeof addr);
		if (!ns || (keep_servers && usable(addr))) {
			any |= ns;
			fwrite(host + at, 1, n, f);
			fputc('\n', f);
		}
		at += n + 1;
	}
	for (size_t i = 0; i < ndns; i++)
		fprintf(f, "nameserver %s\n", dns[i]);
	if (!any && !ndns)
		fputs(RESOLV_DEFAULTS, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *etc_resolv_conf(const char *host, size_t len, const char *const *dns, size_t ndns)
{
	return resolv_conf(host, len, ndns == 0, dns, ndns);
}
