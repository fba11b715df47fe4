/* Where vxn's own diagnostics go: never the container's stdio. With --log FILE
 * they are appended to FILE, as text or (--log-format json) as runc's lines
 * {"level":"error","msg":"...","time":"RFC3339"}; without --log, stderr. */
#ifndef VXN_LOG_H
#define VXN_LOG_H

#include <stdbool.h>

void log_setup(const char *path, bool json, bool debug);
/* The name lines on stderr start with ("vxn" unless set; vdkr sets its own). */
void log_set_program(const char *name);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* true when the log goes to --log's file rather than stderr */
bool log_to_file(void);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
