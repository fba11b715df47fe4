/* linux.sysctl in the guest (sysctl.h). */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

#define SYSCTL_DIR "/proc/sys/"

int sysctl_path(const char *entry, char *path, size_t cap, const char **value)
{
	const char *eq = strchr(entry, '=');
	size_t klen = eq ? (size_t)(eq - entry) : 0;

	if (klen == 0 || memchr(entry, '/', klen) || sizeof SYSCTL_DIR - 1 + klen + 1 > cap)
		return -1;
	memcpy(path, SYSCTL_DIR, sizeof SYSCTL_DIR - 1);
	for (size_t i = 0; i < klen; i++)
		path[sizeof SYSCTL_DIR - 1 + i] = entry[i] == '.' ? '/' : entry[i];
	path[sizeof SYSCTL_DIR - 1 + klen] = '\0';
	*value = eq + 1;
	return 0;
}

int apply_sysctls(const struct vxn_launch *l, struct vxn_err *err)
{
	char path[512];
	const char *value;

	for (uint32_t i = 0; i < l->nsysctl; i++) {
		if (sysctl_path(l->sysctl[i], path, sizeof path, &value) != 0)
			return err_set(err, EINVAL, "sysctl %.64s: not a sysctl name", l->sysctl[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		/* an engine may name what the host's kernel has and the guest's
		 * lacks (netfilter's: the guest has none): not worth a failed start */
		if (fd < 0 && errno == ENOENT) {
			console_say("sysctl %s: not in the guest's kernel, skipped",
				    path + sizeof SYSCTL_DIR - 1);
			continue;
		}
		if (fd < 0)
			return err_set(err, errno, "sysctl %s", path + sizeof SYSCTL_DIR - 1);
		int r = write_all(fd, value, strlen(value));
		int e = errno;
		close(fd);
		if (r != 0)
			return err_set(err, e, "sysctl %s = %.64s", path + sizeof SYSCTL_DIR - 1, value);
	}
	return 0;
}
