/* What vxn-monitor knows of its domain, without libxl: whether it still runs
 * (xenstored's @releaseDomain watch, then Xen's domain info, as libxl's own
 * death watch does), pausing it, and where its PV console is. libxenctrl
 * and libxenstore only, so the monitor stays small (tests/bench: monitor
 * memory); building and destroying domains stays with vxn (xen.h). */
#ifndef VXN_DOMWATCH_H
#define VXN_DOMWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct domwatch;

enum dom_state {
	DOM_RUNNING = 0,   /* or paused: not shut down */
	DOM_SHUTDOWN = 1,  /* shut down (powered off, crashed...): destroy it */
	DOM_GONE = 2,      /* dying or no longer there */
};

int domwatch_open(uint32_t domid, struct domwatch **out, struct vxn_err *err);
void domwatch_close(struct domwatch *w);  /* NULL is fine */

/* Readable when the domain's state may have changed: then domwatch_state. */
int domwatch_fd(const struct domwatch *w);
/* true once the xenstore connection behind the fd failed: then the caller
 * calls domwatch_state every DOMWATCH_POLL_MS instead. */
bool domwatch_lost(const struct domwatch *w);
#define DOMWATCH_POLL_MS 1000

/* Drains the watch and reads the state; *reason is Xen's shutdown code
 * (SHUTDOWN_poweroff 0, reboot 1, suspend 2, crash 3, watchdog 4,
 * soft_reset 5) for DOM_SHUTDOWN, else -1. */
int domwatch_state(struct domwatch *w, enum dom_state *state, int *reason,
		   struct vxn_err *err);

int domwatch_pause(struct domwatch *w, struct vxn_err *err);

/* The domain's PV console pty, as xenconsoled publishes it: malloc'd, or
 * NULL while it is not there yet. */
char *domwatch_console_tty(struct domwatch *w);

#endif
