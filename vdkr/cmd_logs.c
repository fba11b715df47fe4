/* logs [-f]: a detached container's stdout.log and stderr.log, each to our
 * own stdout and stderr (kept apart, as docker does). A container run in the
 * foreground wrote to its caller's terminal, not to files: nothing to show. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr.h"
#include "util.h"

/* Copies what is new in from to fd: -1 on a write error. */
static int pump(int from, int to)
{
	char buf[65536];
	ssize_t n;

	if (from < 0)
		return 0;
	while ((n = read(from, buf, sizeof(buf))) > 0)
		if (write_all(to, buf, (size_t)n))
			return -1;
	return n < 0 && errno != EINTR ? -1 : 0;
}

/* The monitor's exit record, cheap to poll; vxn's status (a libxl
 * context) only when ask, for a monitor that died without writing it. */
static bool stopped(struct vdkr_ctx *c, const struct ctr *t, bool ask)
{
	enum vxn_status s;
	struct vxn_err err;
	int code;

	if (ctr_exit_recorded(c, t) >= 0)
		return true;
	return ask && ctr_status(c, t, &s, &code, &err) == 0 && s == VXN_STATUS_STOPPED;
}

static int open_log(struct vdkr_ctx *c, const struct ctr *t, const char *name)
{
	char path[PATH_MAX];

	if (ctr_path(c, t->id, name, path, sizeof(path)))
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

int cmd_logs(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "follow", no_argument, NULL, 'f' }, { 0 } };
	bool follow = false;
	struct ctr t;
	int o;

	while ((o = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (o != 'f')
			return vdkr_bad_flag(argc, argv, err);
		follow = true;
	}
	if (argc - optind != 1)
		return err_set(err, 0, "\"logs\" requires exactly 1 argument");
	if (ctr_find(c, argv[optind], &t, err))
		return -1;
	cleanup_close int out = open_log(c, &t, "stdout.log");
	cleanup_close int errf = open_log(c, &t, "stderr.log");
	for (unsigned i = 0;; i++) {
		/* first whether it ended: what it wrote before is read after */
		bool ended = follow && stopped(c, &t, i % 5 == 0);
		if (pump(out, 1) || pump(errf, 2))
			return err_set(err, errno, "writing the logs");
		if (!follow || ended)
			return 0;
		usleep(200 * 1000);
	}
}
