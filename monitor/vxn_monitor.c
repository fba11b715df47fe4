/* vxn-monitor: exec'd by create's forked child (monitor_start.c) once the
 * domain is built, with one argument: the fd of its handoff (monitor_handoff.h).
 * Not meant to be run by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "monitor.h"
#include "monitor_handoff.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct monitor_handoff *h = malloc(sizeof(*h));
	uint8_t *launch = NULL;
	struct vxn_err err;
	uint64_t fd;

	if (argc != 2 || parse_decimal(argv[1], &fd) || fd > INT32_MAX || fd < 3) {
		fprintf(stderr, "vxn-monitor: run by vxn create only (usage: vxn-monitor HANDOFF_FD)\n");
		return 1;
	}
	/* Nothing on stderr from here: it is the container's. create sees the
	 * monitor exit with this status, says why, and removes what it left
	 * (its domain by name, the loop device). */
	if (!h || handoff_read((int)fd, h, &launch, &err))
		return MONITOR_EXIT_BAD_HANDOFF;
	close((int)fd);
	monitor_main(h, launch);
}
