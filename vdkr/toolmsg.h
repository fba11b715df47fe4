/* skopeo's and umoci's failures, as one line a user can act on. skopeo ends
 * with `time=... level=fatal msg="..."`: the quoted message is what counts,
 * and a registry that cannot be reached is said so, naming it. Pure. */
#ifndef VDKR_TOOLMSG_H
#define VDKR_TOOLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The msg="..." part of a logrus line (unescaped), else the line itself. */
void toolmsg_reason(const char *line, char *out, size_t len);
/* For a failed pull from registry (may be NULL: not a registry pull):
 * "cannot reach registry R: ...", "manifest for X not found", or the
 * reason as it is. */
void toolmsg_pull(const char *line, const char *registry, const char *what, char *out,
		  size_t len);

/* What a filesystem has left (statvfs's f_bavail * f_frsize, f_favail,
 * f_files; files_total 0: it counts no inodes, as btrfs). */
struct fs_room {
	uint64_t free_bytes, free_files, files_total;
};
/* The tool's message says it ran out of room (ENOSPC, a quota's EDQUOT). */
bool toolmsg_no_space(const char *line);
/* Whether a tool that failed did so for lack of room: its message says so;
 * or it left the filesystem (nearly) full (after; NULL: unknown); or it was
 * to write need bytes (0: unknown) where before (NULL: unknown) had less
 * free. The last two for tools that die without saying why and clean up
 * first (umoci 0.4 can panic on ENOSPC, after removing its bundle). */
bool toolmsg_out_of_room(const char *line, const struct fs_room *before,
			 const struct fs_room *after, uint64_t need);

#endif
