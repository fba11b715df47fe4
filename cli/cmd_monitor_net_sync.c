/* vxn monitor-net-sync DOMID STATE-DIR: run by vxn-monitor, in the
 * container's network namespace, when interfaces came or went there
 * (monitor/monitor_netwatch.c): the guest's NICs follow them
 * (host/netplug.c). As monitor-teardown's, these arguments are an
 * interface between versions of vxn and stay as they are. */
#include <getopt.h>

#include "cli.h"
#include "netplug.h"
#include "util.h"

int cmd_monitor_net_sync(const struct vxn_globals *g, int argc, char **argv,
			 struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	uint64_t domid;

	(void)g;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return cli_bad_flag(argc, argv, err);
	if (argc - optind != 2)
		return cli_usage(err, "monitor-net-sync takes DOMID STATE-DIR");
	if (parse_decimal(argv[optind], &domid) || domid > UINT32_MAX || domid == 0)
		return cli_usage(err, "invalid domid '%.32s'", argv[optind]);
	if (argv[optind + 1][0] != '/')
		return cli_usage(err, "the state directory must be an absolute path");
	return netplug_sync((uint32_t)domid, argv[optind + 1], err) ? CLI_ERR : 0;
}
