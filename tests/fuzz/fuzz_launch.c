/* Launch data as guest-init reads it (proto/launch.c): from its initramfs
 * (guest-init/launch-read.c), from LAUNCH frames of a warm pool guest
 * (guest-init/pool.c) and in EXEC_START frames (guest-init/sessions.c). The
 * decoder is strict, so what it accepts must encode back to the very same
 * bytes, and the args and env it returns must be ready for execve. */
#include <errno.h>

#include "fuzz.h"
#include "vxn-proto.h"

static void check_decoded(const struct vxn_launch *l)
{
	must(l->nargs >= 1 && l->nargs <= VXN_LAUNCH_MAX_LIST);
	must(l->args[l->nargs] == NULL && l->env[l->nenv] == NULL);
	for (uint32_t i = 0; i < l->nargs; i++)
		must(strlen(l->args[i]) <= VXN_LAUNCH_MAX_STR);
	must(l->cwd && l->hostname && l->root_fstype);
	must(l->umask == -1 || (l->umask >= 0 && l->umask <= 0777));
	must(l->nshares <= VXN_SHARES_MAX);
	for (uint32_t i = 0; i < l->nshares; i++)
		must(vxn_share_tag_ok(l->shares[i].tag));
	size_t file_bytes = 0;
	must(l->nfiles <= VXN_LAUNCH_FILES_LIST);
	for (uint32_t i = 0; i < l->nfiles; i++) {
		must(l->files[i].path[0] == '/' && l->files[i].mode <= 07777);
		file_bytes += l->files[i].len;
	}
	must(file_bytes <= VXN_LAUNCH_FILES_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxn_launch l, again;
	uint8_t *p = malloc(size ? size : 1), *enc = NULL;
	size_t enc_len = 0;

	if (!p)
		return 0;
	memcpy(p, data, size);
	int r = vxn_launch_decode(p, size, &l);
	must(r == 0 || r == -EPROTO || r == -ENOMEM || r == -E2BIG);
	if (r == 0) {
		check_decoded(&l);
		must(vxn_launch_encode(&l, &enc, &enc_len) == 0);
		must(enc_len == size && memcmp(enc, data, size) == 0);
		must(vxn_launch_decode(enc, enc_len, &again) == 0);
		vxn_launch_free(&again);
		free(enc);
		vxn_launch_free(&l);
	} else {
		/* a failed decode leaves *l empty: nothing to free, nothing dangling */
		must(l.args == NULL && l.env == NULL && l.mounts == NULL && l.shares == NULL &&
		     l.nargs == 0);
	}
	free(p);
	return 0;
}
