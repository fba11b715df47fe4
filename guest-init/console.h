/* Console diagnostics: short "vxn-init:" lines on stderr, which is hvc0, the
 * console the host logs separately from the container's stdio. */
#ifndef VXN_GUEST_CONSOLE_H
#define VXN_GUEST_CONSOLE_H

#include <stdint.h>

void console_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Make sure fds 0-2 exist (on the console if possible), so that nothing we
 * open later lands on them by accident. Call once /dev is mounted. */
void console_attach(void);
/* Milliseconds since boot (CLOCK_BOOTTIME), for the timing line. */
uint64_t uptime_ms(void);

#endif
