#include "podlaunch.h"

#include <string.h>

/* "pod/<entry>": an entry of the pod's share, never the share's own
 * VXN_SHARE_ENTRY nor another share (the sandbox's volumes). The host
 * names the pod's entries like tags (plan_pod.c): nothing else is one. */
static bool pod_source_path(const char *source, char *out, size_t cap)
{
	static const char prefix[] = VXN_POD_SHARE_TAG "/";

	return strncmp(source, prefix, sizeof prefix - 1) == 0 &&
	       vxn_share_tag_ok(source + sizeof prefix - 1) &&
	       vxn_share_source_path(source, out, cap) == 0;
}

int podlaunch_check(const struct vxn_launch *l, char *root, size_t cap, const char **why)
{
	char path[sizeof(VXN_SHARE_DIR) + 2 * VXN_SHARE_TAG_MAX + 2];

	if (l->nmounts == 0)
		return *why = "no root (mounts[0])", -1;
	const struct vxn_mount *m = &l->mounts[0];
	if (strcmp(m->destination, "/") != 0 || strcmp(m->type, VXN_SHARE_TYPE) != 0)
		return *why = "mounts[0] is not the root", -1;
	if (!pod_source_path(m->source, root, cap))
		return *why = "the root is not an entry of the pod's share", -1;
	for (uint32_t i = 1; i < l->nmounts; i++) {
		m = &l->mounts[i];
		if (strcmp(m->type, VXN_SHARE_TYPE) == 0 &&
		    !pod_source_path(m->source, path, sizeof path))
			return *why = "a volume is not an entry of the pod's share", -1;
	}
	return 0;
}

bool podlaunch_is_pod(const struct vxn_launch *guest)
{
	for (uint32_t i = 0; i < guest->nshares; i++)
		if (strcmp(guest->shares[i].tag, VXN_POD_SHARE_TAG) == 0)
			return true;
	return false;
}
