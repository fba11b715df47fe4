/* `run`'s flags, docker's spelling, parsed into a plain struct (pure: no I/O
 * but getenv for `-e NAME`), and the size and CPU arguments they take. */
#ifndef VDKR_RUNOPTS_H
#define VDKR_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RUNOPTS_MAX_LIST 256

struct run_opts {
	bool rm, detach, interactive, tty;
	const char *env[RUNOPTS_MAX_LIST];        /* -e as given: K=V or K */
	size_t nenv;
	const char *env_files[16];
	size_t nenv_files;
	const char *workdir, *user, *name, *entrypoint, *hostname;
	bool has_entrypoint;                      /* --entrypoint "" resets it */
	uint64_t memory_bytes;                    /* 0: the guest default */
	uint64_t cpu_quota;                       /* per CPU_PERIOD; 0: default */
	const char *image;
	char **args;                              /* after the image: Cmd */
	size_t nargs;
};

#define CPU_PERIOD 100000u

/* argv[0] is "run" (or "create"); getopt stops at the image. 0, or -1 with
 * a one-line message (an unknown flag, a bad value, -v/-p not supported). */
int runopts_parse(int argc, char **argv, struct run_opts *o, struct vxn_err *err);

/* docker's sizes: "512m", "1g", "1048576", "64MiB" is refused; at least 4 MiB. */
int parse_memory(const char *s, uint64_t *bytes, struct vxn_err *err);
/* "1.5" -> 150000 (per CPU_PERIOD), up to 3 decimals. */
int parse_cpus(const char *s, uint64_t *quota, struct vxn_err *err);

#endif
