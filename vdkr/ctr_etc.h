/* docker's /etc/hosts, /etc/hostname and /etc/resolv.conf for a container
 * (etcfiles.h), written in its directory (CTR_DIR/hosts, hostname,
 * resolv.conf, mode 0644 as docker's) and bound over the image's in its
 * config.json; vxn carries them into the guest. */
#ifndef VDKR_CTR_ETC_H
#define VDKR_CTR_ETC_H

#include <limits.h>

#include "error.h"
#include "runopts.h"
#include "vdkr.h"

#define CTR_ETC_FILES 3

struct ctr_etc {
	char source[CTR_ETC_FILES][PATH_MAX];
	struct run_volume binds[CTR_ETC_FILES];  /* for bundle_edit's files */
};

/* ip, gateway: the container's address and its gateway ("" without a
 * network); o: --dns and --add-host. */
int ctr_etc_write(const struct vdkr_ctx *c, const char *id, const char *hostname,
		  const char *ip, const char *gateway, const struct run_opts *o, struct ctr_etc *e,
		  struct vxn_err *err);

#endif
