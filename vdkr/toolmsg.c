#include "toolmsg.h"

#include <stdio.h>
#include <string.h>

void toolmsg_reason(const char *line, char *out, size_t len)
{
	const char *m = strstr(line, "msg=\"");
	size_t o = 0;

	if (!len)
		return;
	if (!m) {
		snprintf(out, len, "%s", line);
		return;
	}
	for (m += 5; *m && *m != '"' && o + 1 < len; m++) {
		if (*m == '\\' && m[1])
			m++;
		out[o++] = *m;
	}
	out[o] = '\0';
}

static const char *const unreachable[] = {
	"pinging container registry", "dial tcp", "no such host", "connection refused",
	"i/o timeout", "network is unreachable", "TLS handshake", "server gave HTTP response",
};

void toolmsg_pull(const char *line, const char *registry, const char *what, char *out,
		  size_t len)
{
	char reason[768];
	const char *tail;

	toolmsg_reason(line, reason, sizeof(reason));
	for (size_t i = 0; registry && i < sizeof(unreachable) / sizeof(unreachable[0]); i++)
		if (strstr(reason, unreachable[i])) {
			/* the end says why (refused, no such host, timeout) */
			tail = strrchr(reason, ':');
			snprintf(out, len, "cannot reach registry %s:%s", registry,
				 tail ? tail + 1 : " unreachable");
			return;
		}
	if (strstr(reason, "manifest unknown") || strstr(reason, "name unknown") ||
	    strstr(reason, "not found")) {
		snprintf(out, len, "manifest for %s not found: manifest unknown", what);
		return;
	}
	snprintf(out, len, "%s: %s", what, reason);
}

bool toolmsg_no_space(const char *line)
{
	return strstr(line, "no space left on device") || strstr(line, "disk quota exceeded");
}

/* Under 1 MiB: a failed write leaves less than one of the tools' buffers. */
#define FS_FULL_BYTES (1u << 20)

static bool fs_full(const struct fs_room *r)
{
	return r->free_bytes < FS_FULL_BYTES || (r->files_total && !r->free_files);
}

bool toolmsg_out_of_room(const char *line, const struct fs_room *before,
			 const struct fs_room *after, uint64_t need)
{
	return toolmsg_no_space(line) || (after && fs_full(after)) ||
	       (before && need && before->free_bytes < need);
}
