/* Linux capability names, as the OCI spec writes them ("CAP_CHOWN"), and
 * their numbers: what process.capabilities becomes in the launch data. */
#ifndef VXN_CAPS_H
#define VXN_CAPS_H

#include <stddef.h>

/* The highest capability the guest kernel (Linux 6.1) knows. */
#define VXN_CAP_LAST 40

/* "CAP_CHOWN" -> 0; -1 for a name the guest kernel does not know. */
int cap_parse(const char *name);
/* 0 -> "CAP_CHOWN"; NULL beyond VXN_CAP_LAST. */
const char *cap_name(int cap);

#endif
