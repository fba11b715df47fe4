/* Volumes, dom0's side: what QEMU's 9pfs backend serves to a guest.
 *
 * Each share of the plan gets a directory export_dir whose only entry,
 * VXN_SHARE_ENTRY, is a bind mount of the share's source (a directory or a
 * regular file). The export directories sit on a small tmpfs of the
 * container's own (plan->share_root), mounted private and read-only once
 * they are made. So:
 *  - a single-file volume exposes that file and not its siblings, and the
 *    guest cannot create anything beside it (the tmpfs is read-only): dom0
 *    never writes outside a source it was given;
 *  - a read-only volume is a read-only bind mount in dom0: QEMU's writes
 *    fail with EROFS whatever the guest sends (Xen's 9pfs backend has no
 *    read-only export of its own);
 *  - every bind is nosuid,nodev in dom0;
 *  - one lazy unmount of share_root takes all of it away, and nothing here
 *    is ever removed recursively (a bind still in place would expose the
 *    user's data to the removal). */
#ifndef VXN_SHARES_H
#define VXN_SHARES_H

#include "error.h"
#include "plan.h"

#include <sys/stat.h>

/* Makes every export directory of p; nothing to do without shares. A
 * missing source is refused with runc's message, a source that is neither
 * a directory nor a regular file (a socket, a device) with one naming it.
 * On failure nothing of it is left. */
int shares_prepare(const struct vxn_plan *p, struct vxn_err *err);
/* One share's source: a directory or regular file (st filled), else an error
 * naming it as runc would. */
int shares_source_check(const struct vxn_plan_share *sh, struct stat *st, struct vxn_err *err);
/* An empty directory or file export_dir/entry to bind the source on. */
int shares_make_entry(const struct vxn_plan_share *sh, bool dir, struct vxn_err *err);
/* Binds sh's source on export_dir/entry, nosuid,nodev, read-only if asked. */
int shares_bind(const struct vxn_plan_share *sh, struct vxn_err *err);
/* Takes share_root away (lazily: QEMU may still hold files in it). Safe to
 * call when it was never made, and more than once. */
void shares_release(const char *share_root);

#endif
