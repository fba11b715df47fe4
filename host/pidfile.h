/* --pid-file: written to a temporary name then renamed, so a reader never
 * sees a partial pid. */
#ifndef VXN_PIDFILE_H
#define VXN_PIDFILE_H

#include <sys/types.h>

#include "error.h"

int pidfile_write(const char *path, pid_t pid, struct vxn_err *err);

#endif
