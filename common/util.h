/* Small pure helpers the CLI and the library share. */
#ifndef VXN_UTIL_H
#define VXN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Container IDs: what runc accepts ([A-Za-z0-9][A-Za-z0-9_+.-]*, at most 1024),
 * and so never "." / ".." or anything with a '/'. 0 or -1 with err set. */
#define ID_MAX 1024
int id_validate(const char *id, struct vxn_err *err);

/* "9", "KILL", "SIGKILL", "sigkill" -> 9; -1 with err set otherwise (1..64 only). */
int signal_parse(const char *s, struct vxn_err *err);

/* A plain decimal number ("0".."18446744073709551615"): no sign, no
 * spaces, no suffix. 0, or -1 (out untouched). */
int parse_decimal(const char *v, uint64_t *out);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE, -1 if unknown; and back (NULL if unknown). */
int rlimit_parse(const char *name);
const char *rlimit_name(int type);

/* ts as RFC 3339 in UTC with nanoseconds ("2026-01-02T03:04:05.000000006Z"),
 * as runc and Docker write a container's created time; "" when len is too
 * small for it. */
struct timespec;
void rfc3339_nano(const struct timespec *ts, char *buf, size_t len);

/* Write all len bytes to fd (retrying after EINTR): 0, or -1 with errno. */
int write_all(int fd, const void *p, size_t len);

/* FNV-1a, 64 bits: a name for a file or domain, never a proof of
 * identity (collisions are easy to make on purpose). */
uint64_t fnv1a64(const void *p, size_t n);

/* The Xen domain of container id: "vxn-ID", or for an ID longer than
 * DOMAIN_ID_PLAIN_MAX "vxn-" + its first DOMAIN_ID_KEPT characters + "-" +
 * the ID's fnv1a64 in hex: libxl names QEMU's log file qemu-dm-NAME.log, one
 * directory entry of at most 255 bytes. From the ID alone, so that delete
 * finds it; a second ID with the same name (made on purpose) fails at
 * create, as libxl refuses a name twice. */
#define DOMAIN_ID_PLAIN_MAX 200u
#define DOMAIN_ID_KEPT 160u
#define DOMAIN_NAME_MAX (4 + DOMAIN_ID_PLAIN_MAX + 1)
void domain_name_for(const char *id, char out[DOMAIN_NAME_MAX]);

#endif
