/* Host ptys for terminal mode: the pair is opened here, the master goes to
 * the caller's --console-socket (SCM_RIGHTS, as runc does), the slave stays
 * with vxn in raw mode and is relayed to the guest's own pty, so the line
 * discipline (echo, ^C -> SIGINT, ...) runs once, in the guest. */
#ifndef VXN_PTY_H
#define VXN_PTY_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* A new pty pair, both ends close-on-exec, neither our controlling tty. */
int pty_open_pair(int *master, int *slave, struct vxn_err *err);
/* Connect to the UNIX socket at path and send fd (with the pty's name as the
 * message, like runc). Paths longer than sun_path work. */
int pty_send_fd(const char *socket_path, int fd, struct vxn_err *err);
/* cfmakeraw on fd; the old settings in *saved when not NULL. */
struct termios;
int pty_make_raw(int fd, struct termios *saved, struct vxn_err *err);
int pty_set_size(int fd, uint16_t rows, uint16_t cols);
/* 0 with the size, -1 when fd is no tty. */
int pty_get_size(int fd, uint16_t *rows, uint16_t *cols);
/* Make fd our controlling terminal when we lead a session without one, so
 * that resizes reach us as SIGWINCH (and a hang-up as SIGHUP). */
bool pty_take_ctty(int fd);
/* Points fds 0, 1 and 2 at /dev/null. For a process left behind in terminal
 * mode with a console socket, whose stdio is the pty: the caller may be
 * waiting for EOF on the stdio it gave us (see pty.c). */
int pty_release_stdio(struct vxn_err *err);

#endif
