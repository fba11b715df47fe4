/* The answer to a PS_REQUEST: the container's processes as the bounded text
 * that vxn_ps_text_check accepts ("PID USER CMD\n" lines). */
#ifndef VXN_GUEST_PS_H
#define VXN_GUEST_PS_H

#include <stddef.h>
#include <sys/types.h>

/* Lines for every process under /proc but init itself and kernel threads,
 * users named from the container's /etc/passwd. Stops at the last whole line
 * that fits in cap. Returns the length written. */
size_t ps_text(char *out, size_t cap);
/* Reads a small file under /proc (one read of at most cap - 1 bytes) into
 * buf, NUL-terminated: the bytes read, or -1. */
ssize_t proc_read_small(const char *path, char *buf, size_t cap);
/* How many processes ps_text would list (all of them, whatever the size). */
unsigned ps_count(void);

#endif
