/* hostile-init's xenstore misdeeds: through the guest kernel's xenbus
 * device, rewrite every key of the domain's own xenstore home it may write
 * (with values aimed at dom0: paths to other devices and ptys, states that
 * close devices), add keys of its own up to xenstored's quota, and try
 * keys outside its home. It says what it managed on the console for the
 * test to read; what dom0 does about it is the test's to check. */
#include "hostile-xenstore.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "console.h"

#define MAX_PATHS 512
#define PATH_LEN 256

static int xb = -1;
static uint32_t req_id;
static char paths[MAX_PATHS][PATH_LEN];
static int npaths;

/* One request: the reply's payload length, or -1 for an error reply (or a
 * broken device). reply gets at most cap bytes. */
static int xs_req(uint32_t type, const void *payload, size_t len, char *reply, size_t cap)
{
	struct xsd_sockmsg m = { .type = type, .req_id = ++req_id, .tx_id = 0,
				 .len = (uint32_t)len };
	char buf[sizeof m + XENSTORE_PAYLOAD_MAX];

	if (len > XENSTORE_PAYLOAD_MAX)
		return -1;
	memcpy(buf, &m, sizeof m);
	memcpy(buf + sizeof m, payload, len);
	if (write(xb, buf, sizeof m + len) != (ssize_t)(sizeof m + len))
		return -1;
	ssize_t n = read(xb, buf, sizeof buf);
	if (n < (ssize_t)sizeof m)
		return -1;
	memcpy(&m, buf, sizeof m);
	if (m.type == XS_ERROR || m.len > (size_t)n - sizeof m)
		return -1;
	size_t keep = m.len < cap ? m.len : cap;
	memcpy(reply, buf + sizeof m, keep);
	return (int)keep;
}

static int xs_write(const char *path, const char *value)
{
	char msg[PATH_LEN + XENSTORE_PAYLOAD_MAX];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	if (pl + vl > sizeof msg)
		return -1;
	memcpy(msg, path, pl);
	memcpy(msg + pl, value, vl);
	return xs_req(XS_WRITE, msg, pl + vl, NULL, 0) < 0 ? -1 : 0;
}

/* Every node under home, breadth first, up to MAX_PATHS. */
static void walk(const char *home)
{
	static char names[XENSTORE_PAYLOAD_MAX];

	snprintf(paths[npaths++], PATH_LEN, "%s", home);
	for (int i = 0; i < npaths; i++) {
		int n = xs_req(XS_DIRECTORY, paths[i], strlen(paths[i]) + 1, names, sizeof names);
		for (int at = 0; n > 0 && at < n && npaths < MAX_PATHS;) {
			size_t l = strnlen(names + at, (size_t)(n - at));
			if (l && snprintf(paths[npaths], PATH_LEN, "%s/%.*s", paths[i], (int)l,
					  names + at) < PATH_LEN)
				npaths++;
			at += (int)l + 1;
		}
	}
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* What a hostile guest would put there. */
static const char *evil_value(const char *path)
{
	if (ends_with(path, "/tty"))
		return "/dev/pts/0";
	if (ends_with(path, "/state"))
		return "6";  /* XenbusStateClosed */
	if (ends_with(path, "/backend"))
		return "/local/domain/0/backend/vbd/0/51712";
	if (ends_with(path, "-id") || ends_with(path, "/domid"))
		return "0";
	if (ends_with(path, "/name"))
		return "Domain-0";
	return "../../../../hostile\n";
}

void hostile_xenstore(void)
{
	char home[64], domid[16] = { 0 };
	int rewritten = 0, refused = 0, added = 0, outside = 0;
	static const char *const others[] = {
		"/local/domain/0/name", "/local/domain/0/backend", "/vm", "/libxl",
		"/local/domain/0/data/hostile", "/tool", "/local/domain/1/data/hostile",
	};
	static char big[1024];  /* within xenstored's entry size quota */

	xb = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
	if (xb < 0 || xs_req(XS_READ, "domid", 6, domid, sizeof domid - 1) <= 0) {
		console_say("hostile: xenstore: no xenbus device or no domid");
		return;
	}
	snprintf(home, sizeof home, "/local/domain/%s", domid);
	walk(home);
	for (int i = 1; i < npaths; i++) {
		if (xs_write(paths[i], evil_value(paths[i])) == 0)
			rewritten++;
		else
			refused++;
	}
	memset(big, 'b', sizeof big - 1);
	for (int i = 0; i < 2000; i++) {  /* until xenstored's quota says no */
		char p[PATH_LEN];
		snprintf(p, sizeof p, "%s/data/hostile/%d", home, i);
		if (xs_write(p, big) != 0)
			break;
		added++;
	}
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (xs_write(others[i], "hostile") == 0)
			outside++;
	console_say("hostile: xenstore: %d nodes, %d rewritten, %d refused, %d added, "
		    "%d of %zu outside written", npaths - 1, rewritten, refused, added, outside,
		    sizeof others / sizeof others[0]);
}
