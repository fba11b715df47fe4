/* One error path, crun style: a fallible function fills a struct vxn_err and
 * returns -1; callers may add context with err_wrap; only main prints it and
 * decides the exit status (always 1 for runtime errors, like runc). */
#ifndef VXN_ERROR_H
#define VXN_ERROR_H

#include <stdarg.h>

#define VXN_ERR_MAX 1024

struct vxn_err {
	int errnum;             /* errno that caused it, 0 if none */
	char msg[VXN_ERR_MAX];  /* one line, no trailing newline */
};

/* Set err (if not NULL) from fmt; appends ": strerror(errnum)" when errnum != 0.
 * Always returns -1 so callers can `return err_set(...)`. */
int err_set(struct vxn_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the existing message with "fmt: ". Returns -1. */
int err_wrap(struct vxn_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
