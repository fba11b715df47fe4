/* The monitor's handoff (control/monitor_handoff.c): the record and launch
 * data vxn-monitor reads from its memfd after the exec. Both sides are one
 * build, but the reader must still refuse a record from another build or a
 * damaged one by name instead of using it. What handoff_read accepts has
 * every string terminated, fds above stdio, launch data within its bound. */
#include "fuzz.h"
#include "monitor_handoff.h"
#include "vxn-proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct monitor_handoff h;
	struct vxn_err err;
	uint8_t *launch = NULL;
	char path[64], buf[PATH_MAX + 32];

	int fd = fuzz_file(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	if (handoff_read(fd, &h, &launch, &err) == 0) {
		must(strlen(h.state_dir) < sizeof h.state_dir && strlen(h.id) < sizeof h.id);
		must(h.ready_fd > 2 && h.lock_fd > 2 && h.launch_len <= VXN_POOL_LAUNCH_MAX);
		must((h.launch_len == 0) == (launch == NULL));
		if (launch)
			must(memcmp(launch, data + sizeof h, h.launch_len) == 0);
		const char *log = monitor_log_path(h.log_path, h.state_dir, buf, sizeof buf);
		must(strlen(log) < sizeof buf);
		free(launch);
	} else {
		must(launch == NULL && err.msg[0] != '\0');
	}
	return 0;
}
