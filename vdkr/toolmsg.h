/* skopeo's and umoci's failures, as one line a user can act on. skopeo ends
 * with `time=... level=fatal msg="..."`: the quoted message is what counts,
 * and a registry that cannot be reached is said so, naming it. Pure. */
#ifndef VDKR_TOOLMSG_H
#define VDKR_TOOLMSG_H

#include <stddef.h>

/* The msg="..." part of a logrus line (unescaped), else the line itself. */
void toolmsg_reason(const char *line, char *out, size_t len);
/* For a failed pull from registry (may be NULL: not a registry pull):
 * "cannot reach registry R: ...", "manifest for X not found", or the
 * reason as it is. */
void toolmsg_pull(const char *line, const char *registry, const char *what, char *out,
		  size_t len);

#endif
