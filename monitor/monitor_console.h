/* The guest's console (hvc0: the kernel's and guest-init's own lines, never
 * the container's stdio) in the monitor: the pty xenconsoled publishes in the
 * guest's part of xenstore is opened once it appears (retried for a while)
 * and copied into the state directory's console log (MONITOR_CONSOLE_LOG),
 * bounded, for the error messages that point at it. */
#ifndef VXN_MONITOR_CONSOLE_H
#define VXN_MONITOR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct domwatch;

struct mon_console {
	int fd;          /* the console pty, or -1 */
	int tries;       /* openings tried */
	int log;         /* the console log, or -1 */
	size_t bytes;    /* written to the log so far */
};

/* Opens the log in state_dir and tries the console once. */
void console_init(struct mon_console *c, const char *state_dir, struct domwatch *dw);
/* Another try while it is not open (and tries are left). */
void console_try_open(struct mon_console *c, struct domwatch *dw);
/* How long until the next try (ms), or -1 when there is none to make. */
int console_retry_ms(const struct mon_console *c);
/* The console is readable: copy what it has into the log. */
void console_read(struct mon_console *c);
void console_close(struct mon_console *c);

#endif
