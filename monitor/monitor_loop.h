/* vxn-monitor's state, one part per job, and its event loop: one poll over
 * the channel, the control socket, the forwarded signals, the container's
 * stdio, the exec clients, the DNS queries, the console and the domain's watch, until the
 * container has ended; then what the guest sent is drained to its readers. */
#ifndef VXN_MONITOR_LOOP_H
#define VXN_MONITOR_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "channel.h"
#include "monitor_console.h"
#include "monitor_dns.h"
#include "monitor_exec.h"
#include "monitor_exit.h"
#include "monitor_netwatch.h"
#include "monitor_stdio.h"
#include "phase.h"

struct monitor_handoff;

struct monitor {
	const struct monitor_handoff *h;
	struct timespec t0;     /* create's start, for the log's timings */
	struct phase ph;        /* setup steps, hello, first output, exit -> monitor exit */
	bool stdout_seen;
	bool hello;             /* guest-init is up */
	bool done;              /* the container has ended (or must) */
	struct channel *ch;
	int ctl_fd;             /* the control socket (control.h) */
	int sig_fd;             /* the forwarded signals */
	int pty_fd;             /* terminal mode: our end of the host pty (its slave) */
	struct mon_domain dom;
	struct mon_stdio io;
	struct exec_links execs;
	struct mon_console con;
	struct mon_dns dns;
	struct mon_netwatch netw;  /* interfaces coming and going in the namespace */
	struct mon_exit exit;
};

/* ms since create began. */
long monitor_elapsed_ms(const struct monitor *m);
/* Relay until the container has ended (m->done), then drain its output. */
void monitor_run(struct monitor *m);

#endif
