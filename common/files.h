/* File helpers vxn, vxn-monitor and guest-init share. */
#ifndef VXN_FILES_H
#define VXN_FILES_H

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p: every missing directory of path with mode. 0, or -errno
 * (-ENAMETOOLONG when path does not fit PATH_MAX). */
int mkdir_p(const char *path, mode_t mode);

/* Reads all of fd into a malloc'd *out (*len bytes), at most max bytes: a
 * longer input is -E2BIG, never truncated, told apart without trusting
 * st_size (a FIFO or /proc file reports 0). 0, or -errno (nothing to free). */
int read_bounded(int fd, size_t max, void **out, size_t *len);

/* This program's own path (/proc/self/exe) into out: 0, or -errno
 * (-ENAMETOOLONG when it does not fit cap). */
int self_exe_path(char *out, size_t cap);

/* DIR/NAME holds buf (len bytes) as a whole: written to NAME.tmp, renamed
 * over it (mode 0600), so no reader sees half of it. 0, or -errno. */
int file_replace_at(const char *dir, const char *name, const void *buf, size_t len);

#endif
