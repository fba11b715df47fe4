/* See monitor_exit.h. */
#include "monitor_exit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domwatch.h"
#include "exit_like.h"
#include "log.h"
#include "monitor_handoff.h"
#include "pty.h"

#define EXIT_GRACE_MS 10000     /* EXIT reported, waiting for the poweroff */
#define FORK_TRIES 5
#define FORK_RETRY_US (200 * 1000)

static void write_state_file(const struct monitor_handoff *h, const char *name,
			     const char *text)
{
	char path[PATH_MAX];
	int fd = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", h->state_dir, name) < sizeof(path))
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0)
		log_debug("monitor: write %s: %s", path, strerror(errno));
	close(fd);
}

bool exit_guest_report(struct mon_exit *x, const uint8_t *p, size_t len)
{
	if (x->reported || vxn_exit_decode(p, len, &x->status) < 0) {
		x->guest_failed = true;
		return false;
	}
	x->reported = true;
	clock_gettime(CLOCK_MONOTONIC, &x->deadline);
	x->deadline.tv_sec += EXIT_GRACE_MS / 1000;
	return true;
}

#define MON_ERRORS_KEPT 8u

void exit_guest_error(const struct monitor_handoff *h, struct mon_exit *x, const uint8_t *p,
		      size_t len)
{
	char text[VXN_ERROR_MAX + 2];

	if (vxn_error_text_decode(p, len, text, sizeof(text)) < 0) {
		x->guest_failed = true;
		return;
	}
	if (x->errors >= MON_ERRORS_KEPT)
		return;
	x->errors++;
	log_error("container %s: %s%s", h->id, text,
		  x->errors == MON_ERRORS_KEPT ? " (further errors from the guest not logged)" : "");
	strcat(text, "\n");
	write_state_file(h, MONITOR_ERROR, text);
}

void exit_note_process_started(const struct monitor_handoff *h)
{
	write_state_file(h, MONITOR_PROCESS_STARTED, "");
}

int exit_grace_left_ms(const struct mon_exit *x)
{
	struct timespec now;

	if (!x->reported)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long left = (x->deadline.tv_sec - now.tv_sec) * 1000 +
		    (x->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return left < 0 ? 0 : (int)left;
}

bool exit_domain_changed(struct mon_domain *d, long now_ms)
{
	enum dom_state state;
	struct vxn_err err;
	int reason;

	if (domwatch_state(d->dw, &state, &reason, &err)) {
		log_warn("monitor: %s", err.msg);
		return false;
	}
	if (state == DOM_SHUTDOWN) {
		d->shutdown_reason = reason;
		log_debug("monitor: domain shut down (reason %d) at %ld ms", reason, now_ms);
	} else if (state == DOM_GONE) {
		log_debug("monitor: domain died at %ld ms", now_ms);
		d->alive = false;
	}
	return state != DOM_RUNNING;
}

int exit_record(const struct monitor_handoff *h, const struct mon_exit *x,
		const struct mon_domain *d)
{
	char text[32];
	int status = 255;

	if (x->killed)
		status = 128 + SIGKILL;
	else if (x->reported && !x->guest_failed)
		status = vxn_exit_status(&x->status);
	else
		log_error("container %s: the guest stopped without reporting an exit status "
			  "(shutdown reason %d); see %s/%s", h->id, d->shutdown_reason,
			  h->state_dir, MONITOR_CONSOLE_LOG);
	snprintf(text, sizeof(text), "%d\n", status);
	write_state_file(h, MONITOR_EXIT_STATUS, text);
	log_debug("monitor: container %s exit status %d", h->id, status);
	return status;
}

/* In the child: `vxn monitor-teardown DOMID NAME LOOP_FD` destroys the
 * domain through libxl and detaches the loop device. It inherits the state
 * dir's lock: delete waits for it, and destroys by name whatever a killed
 * teardown left. */
static _Noreturn void exec_teardown(const struct monitor_handoff *h, const struct mon_domain *d)
{
	char domid[16], loop[16], log_path[PATH_MAX];
	const char *argv[12];
	int n;
	struct vxn_err err;

	/* the caller waits for EOF on these: nothing of the container's stays open */
	if (pty_release_stdio(&err))
		log_warn("monitor: %s", err.msg);
	snprintf(domid, sizeof(domid), "%u", d->domid);
	snprintf(loop, sizeof(loop), "%d", d->loop_fd);
	n = monitor_vxn_argv(h, argv, log_path, sizeof(log_path));
	argv[n++] = "monitor-teardown";
	argv[n++] = domid;
	argv[n++] = h->domain_name;
	argv[n++] = loop;
	argv[n] = NULL;
	execv(h->vxn_path, (char *const *)argv);
	log_warn("monitor: running %s: %s: domain %u is left to delete", h->vxn_path,
		 strerror(errno), d->domid);
	_exit(127);
}

bool exit_destroy_domain(const struct monitor_handoff *h, struct mon_domain *d, bool wait)
{
	pid_t pid;
	int st;

	if (!d->alive) {
		close(d->loop_fd);  /* autoclear: the loop device goes with its last user */
		d->loop_fd = -1;
		return true;
	}
	/* fork fails only for want of memory or processes: a few tries */
	for (int tries = 0; (pid = fork()) < 0 && tries < FORK_TRIES; tries++)
		usleep(FORK_RETRY_US);
	if (pid == 0)
		exec_teardown(h, d);
	if (pid < 0) {
		log_warn("monitor: fork: %s: domain %u is left to delete", strerror(errno),
			 d->domid);
		return false;
	}
	close(d->loop_fd);
	d->loop_fd = -1;
	d->alive = false;
	while (wait && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return true;
}

static void log_rss(long now_ms)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			log_debug("monitor: exiting after %ld ms, %s", now_ms,
				  line + strspn(line + 6, " \t") + 6);
	fclose(f);
}

_Noreturn void exit_like_container(const struct mon_exit *x, int status, long now_ms)
{
	log_rss(now_ms);
	if (status > 128 && status - 128 <= SIGRTMAX &&
	    (x->killed || (x->reported && x->status.kind == VXN_EXIT_SIGNAL)))
		exit_like(&(struct vxn_exit){ .kind = VXN_EXIT_SIGNAL, .value = status - 128 });
	_exit(status);
}
