/* The container's end in the monitor: guest-init's EXIT and ERROR reports,
 * the wait status recorded in the state directory and exited with, and the
 * domain's teardown (a child runs `vxn monitor-teardown`, which destroys it
 * through libxl and detaches its loop device). */
#ifndef VXN_MONITOR_EXIT_H
#define VXN_MONITOR_EXIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vxn-proto.h"

struct domwatch;
struct monitor_handoff;

/* The container's domain as the monitor holds it. */
struct mon_domain {
	uint32_t domid;
	bool alive;             /* not destroyed (by us or anyone) yet */
	int loop_fd;            /* its root disk's loop device */
	struct domwatch *dw;
	int shutdown_reason;    /* Xen's SHUTDOWN_* code, or -1 */
};

/* How the container ended, as far as it is known. */
struct mon_exit {
	bool reported;          /* guest-init's EXIT came */
	struct vxn_exit status;
	struct timespec deadline;  /* reported: how long the poweroff may take */
	bool killed;            /* KILL requested: the domain is stopped */
	bool guest_failed;      /* the guest broke the protocol */
	unsigned errors;        /* ERROR frames on stream 0 so far */
};

/* An EXIT frame: true when it is the first and well formed (else the guest
 * is marked failed). */
bool exit_guest_report(struct mon_exit *x, const uint8_t *p, size_t len);
/* An ERROR frame: logged and kept in the state directory (MONITOR_ERROR),
 * the first MON_ERRORS_KEPT of them: guest-init sends one or two, and a
 * guest sending more must not fill dom0's log and disk. */
void exit_guest_error(const struct monitor_handoff *h, struct mon_exit *x, const uint8_t *p,
		      size_t len);
/* The container's process was exec'd: MONITOR_PROCESS_STARTED. */
void exit_note_process_started(const struct monitor_handoff *h);
/* ms left for the guest's poweroff after its report, -1 without one. */
int exit_grace_left_ms(const struct mon_exit *x);

/* The domain's state changed (or its watch is lost): true once it is no
 * longer running. now_ms: for the log. */
bool exit_domain_changed(struct mon_domain *d, long now_ms);

/* The container's wait status, recorded in the state directory. */
int exit_record(const struct monitor_handoff *h, const struct mon_exit *x,
		const struct mon_domain *d);
/* Destroys the domain and detaches the loop device, in a child; waits for
 * it when wait is set. false when there is no child. */
bool exit_destroy_domain(const struct monitor_handoff *h, struct mon_domain *d, bool wait);
/* Exits with status as the container did (a signal's death as that signal). */
_Noreturn void exit_like_container(const struct mon_exit *x, int status, long now_ms);

#endif
