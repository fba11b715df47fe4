/* A pod's share in dom0: the export QEMU serves to the pod's guest under
 * VXN_POD_SHARE_TAG. It is a small tmpfs of the sandbox's, read-only but
 * while an entry is made or removed, so the guest can create nothing in it;
 * each app container's root, engine files and volumes are bind mounts on
 * entries of it named c<N>r, c<N>f<K>, c<N>m<K> (core/plan_pod.c). Entries
 * are added and removed under an flock of the export directory, so two
 * creates of one pod do not pick the same N. */
#ifndef VXN_POD_H
#define VXN_POD_H

#include <stddef.h>

#include "error.h"
#include "plan.h"

/* The sandbox's export: mkdir and the tmpfs, read-only. */
int pod_export_make(const char *export_dir, struct vxn_err *err);
/* SANDBOX_STATE_DIR/shares/pod */
int pod_export_path(const char *sandbox_dir, char *out, size_t cap, struct vxn_err *err);

/* Holds the export's lock and picks a free prefix "c<N>" for a new
 * container; pod_lock_release lets go. */
int pod_lock(const char *export_dir, char prefix[16], struct vxn_err *err);
void pod_lock_release(int lock);
/* Makes and binds an entry for each share of a member's plan (plan_member);
 * on failure removes what it made. The lock is held. */
int pod_entries_add(const struct vxn_plan *p, const char *export_dir, const char *prefix,
		    struct vxn_err *err);
/* Unmounts and removes the entries prefix* (safe when some or all are gone,
 * or the export itself went with its sandbox). Takes the lock itself. */
void pod_entries_remove(const char *export_dir, const char *prefix);

#endif
