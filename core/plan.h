/* spec + config -> plan: a pure function (no I/O, no Xen) deciding everything
 * about the guest. Tested against golden JSON files in tests/unit/golden/.
 * xen.c turns a plan into libxl_domain_config. */
#ifndef VXN_PLAN_H
#define VXN_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "vxn-proto.h"
#include "config.h"
#include "error.h"
#include "spec.h"

/* A host file the root disk builder copies into the image at destination
 * (a path inside the container). This is how the engines' bind-mounted
 * /etc/resolv.conf, /etc/hosts, /etc/hostname and /run/.containerenv reach a
 * guest: a bind mount cannot cross the VM boundary. Later rewrites of the
 * host file by the engine are not seen by the guest, but for resolv.conf's
 * in the hooks at create (Docker names its resolver there): create reads
 * that one again after them (MONITOR_RESOLV_FILE). */
struct vxn_copy_in {
	char *source;          /* absolute host path */
	char *destination;     /* absolute path inside the container */
};

/* A volume: a host directory or file served to the guest over Xen 9pfs
 * (one libxl p9 device each, QEMU in dom0 as the backend). The host puts
 * the source as the only entry (VXN_SHARE_ENTRY) of export_dir, a directory
 * on a small read-only tmpfs of the container's (host/shares.c), so the
 * guest sees the source and nothing beside it, and a read-only share is a
 * read-only mount in dom0. One share per distinct (source, readonly).
 *
 * With the root shared, the engine's files and init ride on the root's
 * device instead: each is an entry of its own ("f0", "f1", ...) beside the
 * root's in the root's export_dir. A 9pfs device costs the guest about
 * 2 MiB and its boot a xenbus handshake; a Docker container has four. */
struct vxn_plan_share {
	char *tag;             /* "vxn0", "vxn1", ...: the p9 tag and launch share tag */
	char *source;          /* host path as the spec gives it (absolute) */
	bool readonly;
	bool rides;            /* an entry on the root's device, no device of its own */
	bool pod;              /* the pod's share (VXN_POD_SHARE_TAG): no source; its
				* export is a tmpfs its app containers' creates fill */
	char *entry;           /* its name in export_dir: the source's base name
				* (vxn_share_entry_ok), VXN_SHARE_ENTRY or "f<N>" */
	char *export_dir;      /* STATE_DIR/shares/<tag>: what QEMU serves */
	size_t mount_index;    /* the first spec mount using it, for error messages */
	char *destination;     /* and its destination */
};

struct vxn_plan {
	char *name;            /* "vxn-<id>" */
	uint64_t memory_kib;
	uint64_t max_memory_kib;
	unsigned vcpus;
	unsigned max_vcpus;
	char *kernel;
	char *ramdisk;         /* STATE_DIR/ramdisk: base initramfs + launch cpio */
	char *cmdline;         /* guest kernel command line: nothing of the container */
	char *rootfs;          /* host directory the root disk is built from (absolute) */
	/* The root is rootfs itself, shared over 9pfs (the share tagged
	 * VXN_ROOT_SHARE_TAG, after the volumes): no disk image, no copy-ins. */
	bool root_shared;
	char *disk_image;      /* STATE_DIR/root.img */
	char *disk_format;     /* "ext4" or "erofs" */
	bool disk_readonly;
	struct vxn_launch launch;
	struct vxn_copy_in *copy_in;
	size_t ncopy_in;
	char *share_root;      /* STATE_DIR/shares: the tmpfs holding every export_dir */
	struct vxn_plan_share *shares;
	size_t nshares;
	/* "vxn-pool:<tag>:": the names of the warm pool guests this container may
	 * take (host/pool.c), the tag a hash of everything they are booted
	 * with: memory, vcpus and their maxima, kernel, base initramfs, command
	 * line. A container ID has no ':', so no container's domain has it. */
	char *pool_prefix;
};

#define PLAN_POOL_PREFIX "vxn-pool:"
/* "share" or "disk": vxn.conf's rootfs for this container alone. */
#define ANN_ROOTFS "org.xenproject.vxn.rootfs"
/* What containerd's CRI tells a runtime about a pod (plan_pod.c). */
#define ANN_CRI_TYPE "io.kubernetes.cri.container-type"
#define ANN_CRI_SANDBOX_ID "io.kubernetes.cri.sandbox-id"
/* containerd 1.6+ on the sandbox: the kubelet's sum of the pod's container
 * limits (PodSandboxConfig.linux.resources), overhead not included */
#define ANN_CRI_SANDBOX_MEMORY "io.kubernetes.cri.sandbox-memory"
#define ANN_CRI_SANDBOX_CPU_QUOTA "io.kubernetes.cri.sandbox-cpu-quota"
#define ANN_CRI_SANDBOX_CPU_PERIOD "io.kubernetes.cri.sandbox-cpu-period"

/* bundle: absolute bundle path; state_dir: ROOT/ID. */
int plan_from_spec(const struct vxn_spec *s, const struct vxn_config *c,
		   const char *id, const char *bundle, const char *state_dir,
		   struct vxn_plan *p, struct vxn_err *err);
/* A warm pool guest as vxn.conf sizes it: no name (the pool picks one), no
 * disk, the base initramfs (no launch data) as its ramdisk, pool_prefix set. */
int plan_for_pool(const struct vxn_config *c, struct vxn_plan *p, struct vxn_err *err);
/* The process part of the launch data (args, env, cwd, ids, umask, rlimits,
 * terminal and its size, hostname, capabilities, noNewPrivileges,
 * oomScoreAdj) from s, as `exec` needs it on its own. */
int plan_launch_process(const struct vxn_spec *s, struct vxn_launch *l, struct vxn_err *err);
/* The host gives the guest path (a copy-in or a share mount's
 * destination): it need not be in rootfs. */
bool plan_provides(const struct vxn_plan *p, const char *path);

enum pod_role { POD_NONE, POD_SANDBOX, POD_MEMBER };
/* A pod's sandbox (its guest is the pod's), one of its app containers
 * (*sandbox_id set: it runs in that sandbox's guest), or neither. */
enum pod_role plan_pod_role(const struct vxn_spec *s, const char **sandbox_id);
/* The plan of a pod's app container: its shares are entries prefix* of
 * pod_export (the sandbox's pod share) and rides is set on all of them;
 * launch mounts[0] is its root (VXN_F_CTR_START). */
int plan_member(const struct vxn_spec *s, const struct vxn_config *c, const char *id,
		const char *bundle, const char *state_dir, const char *pod_export,
		const char *prefix, struct vxn_plan *p, struct vxn_err *err);

/* The root disk is an EROFS image of rootfs that others share (vdkr makes
 * one per image): attached read-only, so no guest can change it under
 * another, with the guest's writes in a tmpfs overlay (guest-init). 0 when
 * p now says so; 1 (p unchanged) when p's root cannot be such a disk: a
 * shared root, or host files to copy into the root disk. */
int plan_use_shared_image(struct vxn_plan *p, struct vxn_err *err);

/* The 9pfs devices the guest gets: the shares that do not ride on the root's. */
size_t plan_share_devices(const struct vxn_plan *p);
/* Deterministic pretty JSON of the plan (malloc'd), for golden tests and --debug. */
char *plan_to_json(const struct vxn_plan *p);
void plan_free(struct vxn_plan *p);

/* Every mount option plan_mounts honours as a flag, for `vxn features`. */
size_t mount_option_names(const char **names, size_t cap);

#endif
