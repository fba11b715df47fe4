#include "domwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "log.h"
#include "xen_log.h"

/* xenstored fires it whenever any domain shuts down or dies, and once when
 * the watch is set: a domain that went down before that is still seen. */
#define RELEASE_WATCH "@releaseDomain"
#define WATCH_TOKEN "vxn-monitor"
#define WATCHER_STACK (64 * 1024)

/* The static libxenstore vxn-monitor links is Xen's build without threads:
 * nothing reads the socket between requests, so xs_fileno never becomes
 * readable by itself. A thread of ours blocks in xs_read_watch on a handle
 * of its own and pokes a pipe for each firing, and writes WATCH_LOST once
 * if the connection fails. The thread and its handle are never stopped:
 * they go with the process, which exits soon after domwatch_close (and a
 * cancelled xs_read_watch of the threaded library, in sanitizer builds,
 * would leave a mutex that xs_close then waits for forever). */
#define WATCH_LOST 'x'

struct domwatch {
	uint32_t domid;
	struct xs_handle *xs;        /* requests: the console path */
	struct xs_handle *xs_watch;  /* the watcher thread's alone once it runs */
	xc_interface *xc;
	int pipe[2];
	bool have_watcher;
	bool lost;                   /* the watcher stopped: look on a timer */
};

static void *watcher_main(void *arg)
{
	struct domwatch *w = arg;
	unsigned int n;
	char **ev;

	while ((ev = xs_read_watch(w->xs_watch, &n)) != NULL) {
		free(ev);
		if (write(w->pipe[1], "w", 1) < 0 && errno != EAGAIN)
			break;
	}
	(void)!write(w->pipe[1], (char[]){ WATCH_LOST }, 1);
	return NULL;
}

/* With every signal blocked: the monitor's signals are the container's, and
 * a thread that does not block them would take them from its signalfd. */
static int start_watcher(struct domwatch *w, struct vxn_err *err)
{
	pthread_attr_t attr;
	pthread_t thread;
	sigset_t all, old;
	int e;

	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK))
		return err_set(err, errno, "pipe");
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WATCHER_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&thread, &attr, watcher_main, w);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		return err_set(err, e, "starting the domain watch");
	w->have_watcher = true;
	return 0;
}

int domwatch_open(uint32_t domid, struct domwatch **out, struct vxn_err *err)
{
	struct domwatch *w = calloc(1, sizeof(*w));

	if (!w)
		return err_set(err, ENOMEM, "domain watch");
	w->domid = domid;
	w->pipe[0] = w->pipe[1] = -1;
	w->xs = xs_open(0);
	w->xs_watch = xs_open(0);
	if (!w->xs || !w->xs_watch) {
		err_set(err, errno, "cannot open xenstore");
		goto fail;
	}
	w->xc = xc_interface_open(xen_logger(), xen_logger(), 0);
	if (!w->xc) {
		err_set(err, errno, "cannot open the Xen control interface");
		goto fail;
	}
	if (!xs_watch(w->xs_watch, RELEASE_WATCH, WATCH_TOKEN)) {
		err_set(err, errno, "watching %s", RELEASE_WATCH);
		goto fail;
	}
	if (start_watcher(w, err))
		goto fail;
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
	if (w->have_watcher)
		return;  /* the watcher, its handle, the pipe and w go with the process */
	for (int i = 0; i < 2; i++)
		if (w->pipe[i] >= 0)
			close(w->pipe[i]);
	if (w->xs_watch)
		xs_close(w->xs_watch);
	free(w);
}

int domwatch_fd(const struct domwatch *w)
{
	return w->pipe[0];
}

/* The watch carries no news of which domain changed: each firing only
 * says to look again. */
static void drain_watch(struct domwatch *w)
{
	char buf[64];
	ssize_t n;

	while ((n = read(w->pipe[0], buf, sizeof(buf))) > 0)
		if (!w->lost && memchr(buf, WATCH_LOST, (size_t)n)) {
			w->lost = true;
			log_warn("monitor: xenstore watch of domain %u lost: looking every %d ms",
				 w->domid, DOMWATCH_POLL_MS);
		}
}

bool domwatch_lost(const struct domwatch *w)
{
	return w->lost;
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
