/* The record of a guest's NICs (STATE_DIR/net-nics): the interface of the
 * container's namespace each one is wired to. */
#ifndef VXN_NETNICS_H
#define VXN_NETNICS_H

#include <net/if.h>
#include <stddef.h>

#include "error.h"
#include "netinfo.h"

#define NETNICS_MAX NETINFO_LINKS_MAX

/* A NIC of the guest and the interface of the namespace it is wired to. */
struct netnic {
	int devid;               /* 0: create's */
	int ifindex;             /* the interface's, stable across a rename */
	char ifname[IF_NAMESIZE];  /* its name when it was wired */
};

/* STATE_DIR/net-nics, one "DEVID IFINDEX IFNAME" line per NIC, appended. */
int netnics_record(const char *state_dir, int devid, const struct netinfo *ni,
		   struct vxn_err *err);
/* The records, at most max: a line that does not parse ends the list. */
size_t netnics_read(const char *state_dir, struct netnic *out, size_t max);
/* netnics_read's parser, on text of len bytes. */
size_t netnics_parse(const char *text, size_t len, struct netnic *out, size_t max);

/* The whole record replaced by these n. */
int netnics_write(const char *state_dir, const struct netnic *nics, size_t n,
		  struct vxn_err *err);

#endif
