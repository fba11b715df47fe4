#include "cpus.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "console.h"

#define CPU_DIR "/sys/devices/system/cpu"
#define UEVENT_MAX 4096

int cpu_events_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		console_say("no uevents: CPUs added later stay offline");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* "cpuN" with N digits only */
static bool is_cpu_name(const char *name)
{
	size_t n = strspn(name + 3, "0123456789");

	return strncmp(name, "cpu", 3) == 0 && n > 0 && name[3 + n] == '\0';
}

static void online_present_cpus(void)
{
	DIR *d = opendir(CPU_DIR);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[300], state = 0;
		if (!is_cpu_name(de->d_name))
			continue;
		/* cpu0 has no "online" file: it cannot go */
		snprintf(path, sizeof path, CPU_DIR "/%s/online", de->d_name);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read(fd, &state, 1) == 1 && state == '0' && pwrite(fd, "1", 1, 0) != 1)
			console_say("cannot bring %s online", de->d_name);
		close(fd);
	}
	if (d)
		closedir(d);
}

void cpu_events_handle(int fd)
{
	static char msg[UEVENT_MAX];
	static const char cpu_add[] = "add@/devices/system/cpu/cpu";
	bool added = false;
	ssize_t n;

	/* the kernel is the only sender on this multicast group (nl_pid 0),
	 * but only the message's prefix is looked at in any case */
	while ((n = recv(fd, msg, sizeof msg - 1, 0)) > 0) {
		msg[n] = '\0';
		if (strncmp(msg, cpu_add, sizeof cpu_add - 1) == 0)
			added = true;
	}
	if (added)
		online_present_cpus();
}
