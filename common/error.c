/* The one error type: a message buffer plus the errno that caused it. */
#include "error.h"

#include <stdio.h>
#include <string.h>

int err_set(struct vxn_err *err, int errnum, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	err->errnum = errnum;
	if (n < 0)
		err->msg[0] = '\0';
	if (errnum != 0) {
		size_t used = strlen(err->msg);
		char buf[256];
		const char *why = strerror_r(errnum, buf, sizeof buf);
		if (snprintf(err->msg + used, sizeof err->msg - used, ": %s", why) < 0)
			err->msg[used] = '\0';
	}
	return -1;
}

int err_wrap(struct vxn_err *err, const char *fmt, ...)
{
	if (!err)
		return -1;
	char prefix[VXN_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	char old[VXN_ERR_MAX];
	memcpy(old, err->msg, sizeof old);
	old[sizeof old - 1] = '\0';
	/* truncation keeps the head of the message, which names the context */
	if (snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old) >= (int)sizeof err->msg)
		err->msg[sizeof err->msg - 1] = '\0';
	return -1;
}
