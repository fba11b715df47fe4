/* umoci's config.json (made from the image config) adjusted for `run`'s
 * flags: process args, env, cwd, user, terminal; hostname; memory and CPU
 * limits, which vxn turns into the guest's size; docker's /etc files and
 * -v's binds, which vxn
 * serves to the guest (9pfs); the network namespace's path (net.h); the annotation ANN_ROOTFS = disk: the root is
 * the image's unpacked rootfs, shared by its containers, so each container
 * writes to a disk image of its own (kept until rm; vdkr has no commit, cp
 * or start to see them), and vmemres's warm pool guests serve it. Every
 * other field stays as umoci wrote it. Pure: text in, text out. */
#ifndef VDKR_BUNDLE_CONFIG_H
#define VDKR_BUNDLE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "runopts.h"

#define BUNDLE_CONFIG_MAX (4u << 20)

struct bundle_edit {
	char *const *args;
	size_t nargs;
	char *const *env;       /* the whole environment */
	size_t nenv;
	const char *root_path;  /* NULL: leave (umoci's "rootfs") */
	const char *cwd;        /* NULL: the image's */
	bool set_user;
	uint32_t uid, gid;
	bool terminal;
	uint16_t rows, cols;    /* the terminal's size at start, 0: unknown */
	const char *hostname;   /* NULL: leave */
	uint64_t memory_bytes;  /* 0: leave */
	uint64_t cpu_quota, cpu_period;  /* 0: leave */
	const struct run_volume *files;    /* docker's /etc files (etcfiles.h): appended
					    * to mounts, unless a volume is there */
	size_t nfiles;
	const struct run_volume *volumes;  /* appended to mounts */
	size_t nvolumes;
	const char *netns_path;  /* the network namespace's path (vdkr's bridge); NULL: leave */
};

int bundle_config_edit(const char *json, size_t len, const struct bundle_edit *e, char **out,
		       struct vxn_err *err);
/* The process.env of a config.json, for the flags to start from. */
int bundle_config_env(const char *json, size_t len, char ***env, size_t *n,
		      struct vxn_err *err);

#endif
