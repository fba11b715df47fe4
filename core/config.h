/* Runtime defaults: configs/vxn.conf (key = value lines), read from
 * VXN_CONFIG (environment) or the installed path; built-in defaults otherwise. */
#ifndef VXN_CONFIG_H
#define VXN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct vxn_config {
	uint64_t memory_mib;     /* guest memory when the spec sets none */
	/* a pod's guest: the sum of its containers' memory limits (CRI's
	 * sandbox-memory) plus this, for the kernel, guest-init and the pause
	 * process; the RuntimeClass declares it as podFixed overhead */
	uint64_t pod_overhead_mib;
	unsigned vcpus;
	char *kernel;            /* guest kernel image (ELF vmlinux or bzImage) */
	char *initramfs;         /* base initramfs: guest-init as /init */
	char *kernel_args;       /* extra guest kernel command line, e.g. "console=hvc0 quiet" */
	/* rootfs = share (true, the default): the guest's root is the engine's
	 * rootfs directory itself, served by dom0 over Xen 9pfs, so the
	 * container's writes land there as under runc. rootfs = disk: the rootfs
	 * is copied into a disk image of disk_format, whose writes die with the
	 * container; the warm pool serves only these. A read-only root (nothing
	 * to keep) always takes a disk. */
	bool rootfs_share;
	char *disk_format;       /* "ext4" or "erofs" */
	char *state_root;        /* default --root */
	unsigned pool_size;      /* warm pool guests create keeps booted (pool.h); 0: none */
	unsigned rootdisk_cache; /* root disk images kept (rootdisk_cache.h); 0: none */
	/* vdkr's bridge network (vdkr/net.c): the IPv4 network its containers
	 * get addresses from, the bridge the first one */
	char *vdkr_subnet;
};

#define CONFIG_VDKR_SUBNET "10.87.0.0/24"

#define CONFIG_MAX_POOL_SIZE 64u
#define CONFIG_MAX_ROOTDISK_CACHE 64u

/* path NULL: VXN_CONFIG from the environment, else VXN_CONFIG_DEFAULT_PATH
 * (compiled in), else built-in defaults only. Missing file at the default path
 * is not an error; a malformed line is. */
int config_load(const char *path, struct vxn_config *c, struct vxn_err *err);
/* "share" -> true, "disk" -> false (vxn.conf's rootfs, and the annotation
 * that overrides it); -1 for anything else. */
int config_rootfs_kind(const char *v, bool *share);
/* "A.B.C.D/N", N from 8 to 28, no host bits set: 0 with the network (host
 * order) and N, either pointer may be NULL; -1 for anything else. */
int config_ipv4_subnet(const char *v, uint32_t *net, unsigned *prefix);
void config_free(struct vxn_config *c);

#endif
