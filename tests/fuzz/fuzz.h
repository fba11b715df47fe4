/* What every harness of tests/fuzz/ shares. Each is a libFuzzer target:
 * LLVMFuzzerTestOneInput runs the real decoder on one input and checks what
 * it promises beyond "no crash"; must() fails the run (a crash to libFuzzer)
 * whatever NDEBUG says. */
#ifndef VXN_FUZZ_H
#define VXN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define must(c)                                                                        \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An exact-size heap copy of the input (ASan sees any read past its end),
 * NUL-terminated one byte beyond size for the decoders that take text. */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (p) {
		memcpy(p, data, size);
		p[size] = '\0';
	}
	return p;
}

/* The input as a file, for the decoders that take a path (vxn.conf,
 * --resources) or an fd (the monitor's handoff): one memfd per process,
 * rewritten for each input, positioned at its start; its path through
 * /proc/self/fd goes into path. -1 when it cannot be made. */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path, size_t cap)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
