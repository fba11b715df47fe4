/* vxn monitor-teardown DOMID DOMAIN-NAME LOOP-FD: run by vxn-monitor, which
 * has no libxl, in a child at the container's end (monitor.c). A container
 * may outlive an upgrade of vxn, and its vxn-monitor then runs the new vxn:
 * these arguments are an interface between versions and stay as they are. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static int fd_arg(const char *s, int *fd)
{
	uint64_t v;

	if (strcmp(s, "-1") == 0) {  /* no loop device: a root shared over 9pfs */
		*fd = -1;
		return 0;
	}
	if (parse_decimal(s, &v) || v > INT32_MAX)
		return -1;
	*fd = (int)v;
	return 0;
}

int cmd_monitor_teardown(const struct vxn_globals *g, int argc, char **argv,
			 struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	uint64_t domid;
	int loop_fd;

	(void)g;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	if (argc - optind != 3)
		return cli_usage(err, "monitor-teardown takes DOMID DOMAIN-NAME LOOP-FD");
	if (parse_decimal(argv[optind], &domid) || domid > UINT32_MAX)
		return cli_usage(err, "invalid domid '%.32s'", argv[optind]);
	if (fd_arg(argv[optind + 2], &loop_fd))
		return cli_usage(err, "invalid fd '%.32s'", argv[optind + 2]);
	return container_teardown_domain((uint32_t)domid, argv[optind + 1], loop_fd, err) ?
	       CLI_ERR : 0;
}
