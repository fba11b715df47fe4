/* -t: vxn hands the container's pty master to a --console-socket (as runc
 * does to containerd's shim or conmon); vdkr is that receiver and relays
 * the master to its own terminal, raw, so that the line discipline (echo,
 * ^C) runs once, in the guest, and window size changes follow. */
#ifndef VDKR_CONSOLE_H
#define VDKR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Listens on DIR/console.sock (reached through DIR's fd: sun_path is
 * short); *path is what vxn's create gets. */
int console_listen(const char *dir, char *path, size_t len, int *lfd, struct vxn_err *err);
/* The master vxn sent (accept + SCM_RIGHTS), within seconds. */
int console_take(int lfd, int seconds, int *master, struct vxn_err *err);
/* Relays stdin (when interactive) to master and master to stdout until the
 * terminal hangs up, with ours in raw mode meanwhile; then waits for pid
 * (the monitor) and returns its exit status as a shell would. */
int console_relay(int master, bool interactive, pid_t pid);

#endif
