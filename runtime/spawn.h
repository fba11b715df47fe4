/* Running external tools (mke2fs, debugfs, mkfs.erofs) without a shell. */
#ifndef VXN_SPAWN_H
#define VXN_SPAWN_H

#include "error.h"

/* Run argv (argv[0] a bare tool name, looked up in the system's sbin/bin dirs)
 * with fork+execve, stdin from /dev/null and stdout/stderr captured: they
 * must never reach the container's stdio. The output goes to the debug log;
 * on failure the error carries its last line. */
int spawn_tool(char *const argv[], struct vxn_err *err);

#endif
