#include "xen_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xentoollog.h>

#include "log.h"

static char last_error[256];

static void vxn_vmessage(xentoollog_logger *lg, xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
{
	char msg[1024];

	(void)lg;
	vsnprintf(msg, sizeof(msg), format, al);
	const char *ctx = context ? context : "xen";
	const char *es = errnoval >= 0 ? strerror(errnoval) : NULL;
	if (level >= XTL_ERROR)
		snprintf(last_error, sizeof(last_error), "%.200s%s%.40s", msg, es ? ": " : "",
			 es ? es : "");
	/* libxl's own errors are logged as warnings: vxn reports the one error
	 * that matters itself, and engines show the last error line of --log. */
	if (level >= XTL_WARN)
		log_warn("%s: %s%s%s", ctx, msg, es ? ": " : "", es ? es : "");
	else
		log_debug("%s: %s%s%s", ctx, msg, es ? ": " : "", es ? es : "");
}

static void vxn_progress(xentoollog_logger *lg, const char *context, const char *doing_what,
			 int percent, unsigned long done, unsigned long total)
{
	(void)lg; (void)percent;
	log_debug("%s: %s %lu/%lu", context ? context : "xen", doing_what, done, total);
}

static void vxn_destroy(xentoollog_logger *lg)
{
	(void)lg;
}

/* Filled by hand rather than with XTL_NEW_LOGGER, which would make vxn link
 * libxentoollog directly only for its out-of-memory message. */
struct xentoollog_logger *xen_logger(void)
{
	static xentoollog_logger lg = {
		.vmessage = vxn_vmessage, .progress = vxn_progress, .destroy = vxn_destroy,
	};

	return &lg;
}

const char *xen_log_last_error(void)
{
	return last_error;
}

void xen_log_clear_error(void)
{
	last_error[0] = '\0';
}
