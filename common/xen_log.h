/* The one xentoollog logger of a process: every Xen library vxn and
 * vxn-monitor use (libxl, libxenctrl, libxenvchan, libxengnttab) logs
 * through it into log.h, never onto stdio. No libxl here, so the monitor
 * can use it. */
#ifndef VXN_XEN_LOG_H
#define VXN_XEN_LOG_H

struct xentoollog_logger;

struct xentoollog_logger *xen_logger(void);

/* The last error line a Xen library logged ("" when none since
 * xen_log_clear_error): what a failed libxl call reports, since libxl's
 * return codes do not name the problem. */
const char *xen_log_last_error(void);
void xen_log_clear_error(void);

#endif
