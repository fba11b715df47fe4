/* ps, stop, kill, rm, wait: containers the frontend made, through vxn's
 * library (container_status, container_kill, container_delete). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"
#include "log.h"
#include "net.h"
#include "util.h"

#define DEFAULT_STOP_TIMEOUT 10

static void status_text(enum vxn_status s, int code, char *out, size_t len)
{
	switch (s) {
	case VXN_STATUS_RUNNING: snprintf(out, len, "Up"); break;
	case VXN_STATUS_PAUSED: snprintf(out, len, "Up (Paused)"); break;
	case VXN_STATUS_CREATING:
	case VXN_STATUS_CREATED: snprintf(out, len, "Created"); break;
	case VXN_STATUS_STOPPED:
		if (code >= 0)
			snprintf(out, len, "Exited (%d)", code);
		else
			snprintf(out, len, "Exited");
		break;
	}
}

static void ps_line(struct vdkr_ctx *c, const struct ctr *t, bool all, bool quiet)
{
	enum vxn_status s;
	struct vxn_err err;
	char st[32], ports[256] = "";
	int code;

	if (ctr_status(c, t, &s, &code, &err)) {
		log_warn("%s", err.msg);
		return;
	}
	if (!all && s == VXN_STATUS_STOPPED)
		return;
	if (quiet) {
		printf("%.12s\n", t->id);
		return;
	}
	status_text(s, code, st, sizeof(st));
	/* docker's PORTS: a running container's only */
	if (s != VXN_STATUS_STOPPED)
		vdkr_net_ports_text(c, t->id, ports, sizeof ports);
	printf("%-12.12s  %-30.30s  %-24.24s  %-19.19s  %-14s  %-22s  %s\n", t->id, t->image,
	       t->command, t->created, st, ports, t->name);
}

int cmd_ps(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' }, { 0 },
	};
	bool all = false, quiet = false;
	struct ctr *list;
	size_t n;
	int o;

	while ((o = getopt_long(argc, argv, "+aq", opts, NULL)) != -1) {
		if (o == 'a')
			all = true;
		else if (o == 'q')
			quiet = true;
		else
			return vdkr_bad_flag(argc, argv, err);
	}
	if (optind != argc)
		return err_set(err, 0, "\"ps\" accepts no arguments");
	if (ctr_list(c, &list, &n, err))
		return -1;
	if (!quiet)
		printf("%-12s  %-30s  %-24s  %-19s  %-14s  %-22s  %s\n", "CONTAINER ID", "IMAGE",
		       "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
	for (size_t i = 0; i < n; i++)
		ps_line(c, &list[i], all, quiet);
	free(list);
	return 0;
}

/* Each operand in turn, like docker: an error for one is printed and the
 * rest go on; exit 1 when any failed. */
static int each(struct vdkr_ctx *c, int argc, char **argv, const void *arg,
		int (*fn)(struct vdkr_ctx *, const struct ctr *, const void *, struct vxn_err *),
		bool print, struct vxn_err *err)
{
	int failed = 0;

	if (optind >= argc)
		return err_set(err, 0, "\"%s\" requires at least 1 argument", argv[0]);
	for (int i = optind; i < argc; i++) {
		struct ctr t;
		struct vxn_err one = { 0 };
		if (ctr_find(c, argv[i], &t, &one) || fn(c, &t, arg, &one)) {
			fprintf(stderr, "Error: %s\n", one.msg);
			failed = 1;
		} else if (print) {
			printf("%s\n", argv[i]);
		}
	}
	return failed;
}

static int signal_of(const char *name, int fallback, struct vxn_err *err)
{
	return name && *name ? signal_parse(name, err) : fallback;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when it stopped within ms. The exit record the monitor writes is cheap
 * to poll; asking vxn (Xen) for the status, which takes a libxl context, is
 * done once a second, for a monitor that died without writing it. */
static int stopped_within(struct vdkr_ctx *c, const struct ctr *t, int ms)
{
	long long end = now_ms() + ms, next_status = 0;
	enum vxn_status s;
	struct vxn_err err;
	int code;

	for (;;) {
		if (ctr_exit_recorded(c, t) >= 0)
			return 1;
		if (now_ms() >= next_status) {
			if (ctr_status(c, t, &s, &code, &err) == 0 && s == VXN_STATUS_STOPPED)
				return 1;
			next_status = now_ms() + 1000;
		}
		if (now_ms() >= end)
			return 0;
		usleep(100 * 1000);
	}
}

static int stop_one(struct vdkr_ctx *c, const struct ctr *t, const void *arg,
		    struct vxn_err *err)
{
	int timeout = *(const int *)arg;
	int sig = signal_of(t->stop_signal, 15, err);
	enum vxn_status s;
	int code;

	if (sig < 0 || ctr_status(c, t, &s, &code, err))
		return -1;
	if (s == VXN_STATUS_STOPPED) {
		vdkr_net_down(c, t->id);
		return 0;
	}
	if (!(container_kill(&c->g, t->id, sig, false, err) == 0 &&
	      stopped_within(c, t, timeout * 1000))) {
		if (container_kill(&c->g, t->id, 9, false, err) && !stopped_within(c, t, 0))
			return -1;
		if (!stopped_within(c, t, 30000))
			return err_set(err, 0, "%s did not stop", t->name);
	}
	vdkr_net_down(c, t->id);  /* as docker gives its address and ports back */
	return 0;
}

int cmd_stop(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "time", required_argument, NULL, 't' }, { 0 } };
	int timeout = DEFAULT_STOP_TIMEOUT, o;
	uint64_t v;

	while ((o = getopt_long(argc, argv, "+t:", opts, NULL)) != -1) {
		if (o != 't')
			return vdkr_bad_flag(argc, argv, err);
		if (parse_decimal(optarg, &v) || v > 3600)
			return err_set(err, 0, "invalid --time '%.32s'", optarg);
		timeout = (int)v;
	}
	return each(c, argc, argv, &timeout, stop_one, true, err);
}

static int kill_one(struct vdkr_ctx *c, const struct ctr *t, const void *arg,
		    struct vxn_err *err)
{
	return container_kill(&c->g, t->id, *(const int *)arg, false, err) ?
	       err_wrap(err, "cannot kill container: %s", t->name) : 0;
}

int cmd_kill(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "signal", required_argument, NULL, 's' }, { 0 } };
	int sig = 9, o;

	while ((o = getopt_long(argc, argv, "+s:", opts, NULL)) != -1) {
		if (o != 's')
			return vdkr_bad_flag(argc, argv, err);
		if ((sig = signal_parse(optarg, err)) < 0)
			return -1;
	}
	return each(c, argc, argv, &sig, kill_one, true, err);
}

static int rm_one(struct vdkr_ctx *c, const struct ctr *t, const void *arg,
		  struct vxn_err *err)
{
	enum vxn_status s;
	int code;

	if (ctr_status(c, t, &s, &code, err))
		return -1;
	/* stop returns once the exit is recorded, maybe just before vxn's
	 * monitor has finished: docker's `stop` then `rm` must work */
	if (s != VXN_STATUS_STOPPED && ctr_exit_recorded(c, t) < 0 && !*(const bool *)arg)
		return err_set(err, 0, "You cannot remove a running container %s. Stop the "
			       "container before attempting removal or force remove", t->id);
	ctr_remove_all(c, t);
	return 0;
}

int cmd_rm(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	bool force = false;
	int o;

	while ((o = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (o != 'f')
			return vdkr_bad_flag(argc, argv, err);
		force = true;
	}
	return each(c, argc, argv, &force, rm_one, true, err);
}

static int wait_one(struct vdkr_ctx *c, const struct ctr *t, const void *arg,
		    struct vxn_err *err)
{
	(void)arg;
	int code = ctr_wait_exit(c, t, err);

	if (code < 0)
		return -1;
	printf("%d\n", code);
	fflush(stdout);
	return 0;
}

int cmd_wait(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };

	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return vdkr_bad_flag(argc, argv, err);
	return each(c, argc, argv, NULL, wait_one, false, err);
}
