#include "domwatch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "log.h"
#include "xen_log.h"

/* xenstored fires it whenever any domain shuts down or dies, and once when
 * the watch is set: a domain that went down before that is still seen. */
#define RELEASE_WATCH "@releaseDomain"
#define WATCH_TOKEN "vxn-monitor"

struct domwatch {
	uint32_t domid;
	struct xs_handle *xs;
	xc_interface *xc;
};

int domwatch_open(uint32_t domid, struct domwatch **out, struct vxn_err *err)
{
	struct domwatch *w = calloc(1, sizeof(*w));

	if (!w)
		return err_set(err, ENOMEM, "domain watch");
	w->domid = domid;
	w->xs = xs_open(0);
	if (!w->xs) {
		err_set(err, errno, "cannot open xenstore");
		goto fail;
	}
	w->xc = xc_interface_open(xen_logger(), xen_logger(), 0);
	if (!w->xc) {
		err_set(err, errno, "cannot open the Xen control interface");
		goto fail;
	}
	if (!xs_watch(w->xs, RELEASE_WATCH, WATCH_TOKEN)) {
		err_set(err, errno, "watching %s", RELEASE_WATCH);
		goto fail;
	}
	*out = w;
	return 0;
fail:
	domwatch_close(w);
	return -1;
}

void domwatch_close(struct domwatch *w)
{
	if (!w)
		return;
	if (w->xc)
		xc_interface_close(w->xc);
	if (w->xs)
		xs_close(w->xs);
	free(w);
}

int domwatch_fd(const struct domwatch *w)
{
	return xs_fileno(w->xs);
}

/* The watch carries no news of which domain changed: each firing only
 * says to look again. */
static void drain_watch(struct domwatch *w)
{
	char **ev;

	while ((ev = xs_check_watch(w->xs)) != NULL)
		free(ev);
}

int domwatch_state(struct domwatch *w, enum dom_state *state, int *reason,
		   struct vxn_err *err)
{
	xc_domaininfo_t info;

	drain_watch(w);
	*state = DOM_RUNNING;
	*reason = -1;
	/* the first domain from domid on: another one when ours is gone */
	int n = xc_domain_getinfolist(w->xc, w->domid, 1, &info);
	if (n < 0)
		return err_set(err, errno, "reading the info of domain %u", w->domid);
	if (n == 0 || info.domain != w->domid || (info.flags & XEN_DOMINF_dying)) {
		*state = DOM_GONE;
	} else if (info.flags & XEN_DOMINF_shutdown) {
		*state = DOM_SHUTDOWN;
		*reason = (int)((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
	}
	return 0;
}

int domwatch_pause(struct domwatch *w, struct vxn_err *err)
{
	int rc = xc_domain_pause(w->xc, w->domid);

	log_debug("xc_domain_pause %u: rc %d", w->domid, rc);
	return rc ? err_set(err, errno, "pausing domain %u", w->domid) : 0;
}

char *domwatch_console_tty(struct domwatch *w)
{
	char path[64];
	unsigned len;

	snprintf(path, sizeof(path), "/local/domain/%u/console/tty", w->domid);
	return xs_read(w->xs, XBT_NULL, path, &len);
}
