/* The record of a guest's NICs in its state directory (net-nics): which
 * interface of the container's namespace each is wired to. Written by
 * create (netwire.c) and by every sync (netplug.c). */
#include "netnics.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "util.h"

#define NICS_FILE "net-nics"
#define NICS_TEXT_MAX 1024u   /* NETNICS_MAX lines of ~30 bytes */
#define DEVID_MAX 255

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("_.-@", c));
}

/* A decimal number of at most max, without sign or leading zeros, ended by
 * one space: the text after it, or NULL. */
static const char *number_then_space(const char *p, const char *end, unsigned long max,
				     unsigned long *v)
{
	const char *q = p;

	*v = 0;
	while (q < end && *q >= '0' && *q <= '9' && q - p < 10) {
		*v = *v * 10 + (unsigned long)(*q - '0');
		q++;
	}
	if (q == p || q >= end || *q != ' ' || *v > max || (*p == '0' && q - p > 1))
		return NULL;
	return q + 1;
}

/* One "DEVID IFINDEX IFNAME" line of exactly these three fields. */
static bool parse_line(const char *line, size_t len, struct netnic *nic)
{
	const char *end = line + len, *p;
	unsigned long devid, ifindex;

	p = number_then_space(line, end, DEVID_MAX, &devid);
	p = p ? number_then_space(p, end, INT_MAX, &ifindex) : NULL;
	if (!p || ifindex == 0 || end - p < 1 || end - p >= IF_NAMESIZE)
		return false;
	for (const char *c = p; c < end; c++)
		if (!name_char(*c))
			return false;
	nic->devid = (int)devid;
	nic->ifindex = (int)ifindex;
	memcpy(nic->ifname, p, (size_t)(end - p));
	nic->ifname[end - p] = '\0';
	return true;
}

size_t netnics_parse(const char *text, size_t len, struct netnic *out, size_t max)
{
	size_t n = 0;

	while (len > 0 && n < max) {
		const char *nl = memchr(text, '\n', len);
		if (!nl || !parse_line(text, (size_t)(nl - text), &out[n]))
			break;
		n++;
		len -= (size_t)(nl - text) + 1;
		text = nl + 1;
	}
	return n;
}

static int open_in(const char *dir, const char *name, int flags, struct vxn_err *err)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return err_set(err, ENAMETOOLONG, "%s/%s", dir, name);
	int fd = open(path, flags | O_CLOEXEC, 0600);
	return fd < 0 ? err_set(err, errno, "%s", path) : fd;
}

size_t netnics_read(const char *dir, struct netnic *out, size_t max)
{
	struct vxn_err err;
	void *text = NULL;
	size_t len = 0, n = 0;
	int fd = open_in(dir, NICS_FILE, O_RDONLY, &err);

	if (fd < 0)
		return 0;
	if (read_bounded(fd, NICS_TEXT_MAX, &text, &len) == 0)
		n = netnics_parse(text, len, out, max);
	free(text);
	close(fd);
	return n;
}

static int format_line(char *buf, size_t cap, const struct netnic *nic)
{
	int n = snprintf(buf, cap, "%d %d %s\n", nic->devid, nic->ifindex, nic->ifname);
	return n > 0 && (size_t)n < cap ? n : -1;
}

int netnics_record(const char *dir, int devid, const struct netinfo *ni, struct vxn_err *err)
{
	struct netnic nic = { .devid = devid, .ifindex = ni->ifindex };
	char line[64];

	memcpy(nic.ifname, ni->ifname, IF_NAMESIZE);
	int n = format_line(line, sizeof line, &nic);
	int fd = open_in(dir, NICS_FILE, O_WRONLY | O_CREAT | O_APPEND, err);
	if (fd < 0)
		return -1;
	int r = n < 0 || write_all(fd, line, (size_t)n) ? err_set(err, EIO, "writing " NICS_FILE) : 0;
	close(fd);
	return r;
}

int netnics_write(const char *dir, const struct netnic *nics, size_t n, struct vxn_err *err)
{
	char text[NICS_TEXT_MAX];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int k = format_line(text + len, sizeof text - len, &nics[i]);
		if (k < 0)
			return err_set(err, E2BIG, NICS_FILE);
		len += (size_t)k;
	}
	int e = file_replace_at(dir, NICS_FILE, text, len);
	return e ? err_set(err, -e, "%s/" NICS_FILE, dir) : 0;
}

