#include "mountflags.h"

#include "vxn-proto.h"

#include <string.h>
#include <sys/mount.h>

#define PROPAGATION_BITS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
/* Per-mount-point flags a bind mount only honours on a remount. */
#define BIND_REMOUNT_BITS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | \
			   MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

static enum mount_kind kind_of(const char *type, uint64_t flags)
{
	if (strcmp(type, VXN_SHARE_TYPE) == 0)
		return MOUNT_KIND_SHARE;
	if (flags & MS_BIND || strcmp(type, "bind") == 0 || strcmp(type, "rbind") == 0)
		return MOUNT_KIND_BIND;
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
		return MOUNT_KIND_SKIP;
	return MOUNT_KIND_FS;
}

void mount_steps_from(const char *type, uint64_t flags, struct mount_steps *s)
{
	unsigned long f = (unsigned long)flags;

	memset(s, 0, sizeof *s);
	s->kind = kind_of(type, flags);
	if (f & PROPAGATION_BITS)
		s->propagation = f & (PROPAGATION_BITS | MS_REC);
	if (s->kind == MOUNT_KIND_BIND || s->kind == MOUNT_KIND_SHARE) {
		if (strcmp(type, "rbind") == 0)
			f |= MS_REC;
		s->flags = MS_BIND | (f & MS_REC);
		if (f & BIND_REMOUNT_BITS)
			s->remount = MS_REMOUNT | MS_BIND | (f & BIND_REMOUNT_BITS);
		return;
	}
	s->flags = f & ~(unsigned long)(PROPAGATION_BITS | MS_REC | MS_BIND);
}

/* dest is path or lies beneath it ("/proc/sys" under "/proc" or "/proc/"). */
static bool is_beneath(const char *dest, const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 1)  /* the root: everything is beneath it */
		return true;
	return strncmp(dest, path, n) == 0 && (dest[n] == '/' || dest[n] == '\0');
}

bool mount_by_process(const struct vxn_launch *l, uint32_t i)
{
	if (!l->pid_namespace || i >= l->nmounts)
		return false;
	for (uint32_t k = 0; k <= i; k++)
		if (strcmp(l->mounts[k].type, "proc") == 0 &&
		    is_beneath(l->mounts[i].destination, l->mounts[k].destination))
			return true;
	return false;
}
