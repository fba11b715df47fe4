/* What the relay tests share around the bytes they push through pipes,
 * sockets and the fake channels: a pattern that shows any byte lost,
 * repeated or reordered, pipes of a given size, and what a pipe holds. */
#ifndef VXN_TEST_PATTERN_H
#define VXN_TEST_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* The pattern's byte at stream offset i. */
uint8_t pattern(size_t i);
/* buf[0..n) = the pattern from offset `from`. */
void pattern_fill(uint8_t *buf, size_t from, size_t n);
/* p[0..n) must be the pattern from offset `from`. */
void pattern_check(const uint8_t *p, size_t from, size_t n);

/* A pipe (pipe2 with flags) whose buffer holds at least `size` bytes. */
void pipe_sized(int p[2], int flags, unsigned size);
/* Bytes waiting in a pipe or socket. */
int fd_pending(int fd);

#endif
