/* vmemres start [N] | stop | status: keep guests booted for fast runs, which
 * is vxn's warm pool (host/pool.c): start fills it (one guest by default),
 * stop drains it, status lists it. A container takes a pool guest whose size
 * matches vxn.conf's defaults (no -m or --cpus). */
#include <stdio.h>
#include <string.h>

#include "pool.h"
#include "util.h"
#include "vdkr.h"

int cmd_vmemres(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	uint64_t n = 1;

	if (argc < 2)
		return err_set(err, 0, "vmemres takes start [N], stop or status");
	if (!strcmp(argv[1], "start") && argc <= 3) {
		if (argc == 3 && (parse_decimal(argv[2], &n) || n == 0 || n > POOL_MAX))
			return err_set(err, 0, "vmemres start: N must be 1..%u", POOL_MAX);
		return pool_fill(&c->g, (unsigned)n, err) ? -1 : 0;
	}
	if (!strcmp(argv[1], "stop") && argc == 2)
		return pool_drain(&c->g, err) ? -1 : 0;
	if (!strcmp(argv[1], "status") && argc == 2)
		return pool_print(&c->g, stdout, err) ? -1 : 0;
	return err_set(err, 0, "vmemres takes start [N], stop or status");
}
