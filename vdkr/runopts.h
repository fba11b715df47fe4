/* `run`'s flags, docker's spelling, parsed into a plain struct (pure: no I/O
 * but getenv for `-e NAME`), and the size, CPU and volume arguments they
 * take. */
#ifndef VDKR_RUNOPTS_H
#define VDKR_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RUNOPTS_MAX_LIST 256
#define RUNOPTS_MAX_VOLUMES 64
#define RUNOPTS_MAX_PUBLISH 32
#define RUNOPTS_MAX_DNS 8
#define RUNOPTS_MAX_HOSTS 64

/* -v SRC:DST[:ro|:rw]: a host path bound at DST, both cleaned (no "//",
 * ".", ".." or trailing slash) and malloc'd. */
struct run_volume {
	char *source, *destination;
	bool readonly;
};

/* -p [IP:]HOSTPORT:PORT[/tcp|/udp]: host_ip "" for every address. */
struct run_publish {
	char host_ip[16];
	uint16_t host_port, port;
	bool udp;
};

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
	struct run_volume volumes[RUNOPTS_MAX_VOLUMES];
	size_t nvolumes;
	bool bridge;                              /* on vdkr's bridge: unless --network none/host */
	bool no_network;                          /* --network none or host, given */
	struct run_publish publish[RUNOPTS_MAX_PUBLISH];
	size_t npublish;
	const char *dns[RUNOPTS_MAX_DNS];         /* --dns: IPv4 or IPv6 addresses */
	size_t ndns;
	const char *add_hosts[RUNOPTS_MAX_HOSTS]; /* --add-host NAME:IP (or host-gateway) */
	size_t nadd_hosts;
	const char *image;
	char **args;                              /* after the image: Cmd */
	size_t nargs;
};

#define CPU_PERIOD 100000u

/* argv[0] is "run" (or "create"); getopt stops at the image. 0, or -1 with
 * a one-line message (an unknown flag, a bad value) and nothing to free. */
int runopts_parse(int argc, char **argv, struct run_opts *o, struct vxn_err *err);
/* What runopts_parse allocated (the volumes). */
void runopts_free(struct run_opts *o);

/* One --add-host NAME:IP (split at the first ':', as docker does: an IPv6
 * address keeps its colons; IP "host-gateway": the bridge's gateway). */
int parse_add_host(const char *spec, struct vxn_err *err);

/* docker's sizes: "512m", "1g", "1048576", "64MiB" is refused; at least 4 MiB. */
int parse_memory(const char *s, uint64_t *bytes, struct vxn_err *err);
/* "1.5" -> 150000 (per CPU_PERIOD), up to 3 decimals. */
int parse_cpus(const char *s, uint64_t *quota, struct vxn_err *err);
/* One -v: a host path only (vdkr has no volume store, so a named or
 * anonymous volume is refused), DST absolute and not "/", the mode ro or rw.
 * Whether SRC exists is the caller's to check. */
int parse_volume(const char *spec, struct run_volume *v, struct vxn_err *err);
/* One -p: [IPv4:]HOSTPORT:PORT[/tcp|/udp], ports 1 to 65535. A port alone
 * (docker picks a free host port) and ranges are refused. */
int parse_publish(const char *spec, struct run_publish *p, struct vxn_err *err);

#endif
