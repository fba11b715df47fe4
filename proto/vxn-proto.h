/* What crosses the host/guest boundary, defined once for the host (vxn,
 * vxn-monitor) and guest-init/.
 *
 * Two things cross it:
 *  - the launch data: written by the host (runtime) into a cpio archive that is
 *    appended to the base initramfs, read by guest-init at VXN_LAUNCH_PATH;
 *  - the channel: one libxenvchan ring pair between the per-container monitor
 *    (dom0, vchan server) and guest-init (vchan client), carrying frames.
 *
 * All integers are little-endian on the wire. The guest is untrusted: every
 * decoder here is bounded and strict, and returns -EPROTO (or -E2BIG/-ENOMEM)
 * instead of guessing. Decoders never read past the length they are given.
 */
#ifndef VXN_PROTO_H
#define VXN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- launch data */

#define VXN_LAUNCH_MAGIC "VXNL"          /* 4 bytes, no NUL on the wire */
#define VXN_LAUNCH_VERSION 7u
#define VXN_LAUNCH_PATH "/vxn/launch"    /* inside the guest's initramfs */

/* Limits enforced by both encoder and decoder. */
#define VXN_LAUNCH_MAX_BYTES (1u << 20)  /* whole encoded blob */
#define VXN_LAUNCH_MAX_STR 65536u        /* one string, without its NUL */
#define VXN_LAUNCH_MAX_LIST 4096u        /* args, env, gids, rlimits, mounts */
#define VXN_LAUNCH_FILES_MAX 32768u      /* the bytes of all files together */
#define VXN_LAUNCH_FILES_LIST 16u        /* files */

/* The guest's root disk appears as this device; its filesystem is root_fstype. */
#define VXN_ROOT_DEVICE "/dev/xvda"
/* root_fstype VXN_ROOT_SHARED: no disk; the root is the host's rootfs
 * directory, shared over Xen 9pfs under the tag VXN_ROOT_SHARE_TAG (the
 * share is not in the launch's share list: guest-init mounts it itself). */
#define VXN_ROOT_SHARED "9p"
#define VXN_ROOT_SHARE_TAG "root"

struct vxn_rlimit {
	uint32_t type;  /* RLIMIT_* number */
	uint64_t soft;
	uint64_t hard;
};

/* An OCI mount already translated by the host: flags are MS_* bits, data is the
 * filesystem-specific option string (may be empty). For bind mounts the source
 * is a path inside the container's root (binds of host paths cannot cross). */
struct vxn_mount {
	char *destination;
	char *type;
	char *source;
	uint64_t flags;
	char *data;
};

/* linux.devices: a node guest-init makes in the container's /dev as runc
 * does (type 'c', 'b' or 'p'; mode holds the permission bits only). The
 * numbers are the guest kernel's: a node of a device the guest lacks opens
 * with ENXIO, as on a host without it. */
struct vxn_device {
	char *path;           /* absolute, inside the container's root */
	uint8_t type;
	uint32_t major, minor;
	uint32_t mode;        /* 0..07777 */
	uint32_t uid, gid;
};

/* A small host file guest-init writes into the container's root before
 * the mounts (replacing what the image has there, as a bind mount hides
 * it): the engine's per-container files (/etc/hosts, /etc/hostname,
 * /etc/resolv.conf) when the root disk is an image shared read-only
 * between containers, which cannot take a copy. */
struct vxn_file {
	char *path;           /* absolute, inside the container's root */
	uint32_t mode;        /* permission bits, 0..07777 */
	uint8_t *data;        /* any bytes, NULs too */
	uint32_t len;
};

/* process.capabilities as masks, bit N for capability N (CAP_CHOWN = 0). */
struct vxn_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

#define VXN_OOM_SCORE_ADJ_MIN (-1000)
#define VXN_OOM_SCORE_ADJ_MAX 1000

/* Volumes: a host directory or file that dom0 serves to the guest over Xen
 * 9pfs (a libxl p9 device, backend QEMU in dom0) under this tag. guest-init
 * mounts each share at VXN_SHARE_DIR/<tag>, where the host put the source as
 * the single entry VXN_SHARE_ENTRY; a launch mount of type VXN_SHARE_TYPE
 * with source <tag> bind-mounts that entry at its destination. Read-only is
 * the host's doing (a read-only mount in dom0), not the guest's. */
#define VXN_SHARE_TYPE "vxn-share"
#define VXN_SHARE_DIR "/vxn/shares"
#define VXN_SHARE_ENTRY "v"
/* A pod's guest: the sandbox's launch lists this share, an export dom0
 * fills while the guest runs (each app container's root and volumes are
 * entries of it, bound in dom0 at the app container's create). */
#define VXN_POD_SHARE_TAG "pod"
#define VXN_SHARE_TAG_MAX 15u        /* tag: 1..15 of [a-z0-9] */
/* entry: 1..64 of [A-Za-z0-9._-], not starting with '.' or '-': a volume's
 * entry is named after its source's base name when that is such a name (so
 * that the guest's mountinfo shows it, as runc's shows the host path) */
#define VXN_SHARE_ENTRY_MAX 64u
#define VXN_SHARES_MAX 32u           /* p9 devices per guest */

struct vxn_share {
	char *tag;
};

/* 1 when tag is a valid share tag (what the decoder accepts). */
bool vxn_share_tag_ok(const char *tag);
/* 1 when name is a valid entry name (VXN_SHARE_ENTRY_MAX). */
bool vxn_share_entry_ok(const char *name);
/* A VXN_SHARE_TYPE mount's source: "<tag>", whose entry is VXN_SHARE_ENTRY,
 * or "<tag>/<entry>" (a volume named after its source, or the engine's
 * files riding on the root's share). Writes the entry's path under
 * VXN_SHARE_DIR to out; -1 when source is malformed or out too small. */
int vxn_share_source_path(const char *source, char *out, size_t cap);

struct vxn_launch {
	char **args;
	uint32_t nargs;
	char **env;
	uint32_t nenv;
	char *cwd;
	uint32_t uid;
	uint32_t gid;
	uint32_t *gids;
	uint32_t ngids;
	int32_t umask;        /* -1: leave the default */
	char *hostname;       /* "" : leave unset */
	struct vxn_rlimit *rlimits;
	uint32_t nrlimits;
	bool terminal;
	uint16_t rows;        /* initial terminal size, 0 if unknown */
	uint16_t cols;
	struct vxn_mount *mounts;
	uint32_t nmounts;
	struct vxn_share *shares;   /* distinct tags, <= VXN_SHARES_MAX */
	uint32_t nshares;
	char *root_fstype;    /* "ext4" or "erofs" */
	bool root_readonly;   /* mount the root read-only (erofs: + tmpfs overlay) */
	/* The process is PID 1 of a new PID namespace in the guest (the spec asks
	 * for one), so the kernel's rules for a namespace init hold as under
	 * runc; processes started by exec join that namespace. Ignored in an
	 * EXEC_START payload. */
	bool pid_namespace;
	/* process.capabilities, .noNewPrivileges and .oomScoreAdj, applied in
	 * the guest as runc applies them (also in an EXEC_START payload); as
	 * under runc, a spec without capabilities gives the process none */
	struct vxn_caps caps;
	bool no_new_privileges;
	bool oom_score_adj_set;
	int32_t oom_score_adj;  /* VXN_OOM_SCORE_ADJ_MIN..MAX; 0 unless set */
	bool net_wait;        /* the container has a network namespace: wait for
			       * its NET frame (struct vxn_net) before the process */
	/* linux.devices and linux.sysctl ("key=value", key as in sysctl(8)):
	 * guest-init applies them before the process starts; a guest's kernel
	 * is the container's, so every sysctl is its own */
	struct vxn_device *devices;
	uint32_t ndevices;
	char **sysctl;
	uint32_t nsysctl;
	/* linux.maskedPaths and .readonlyPaths (absolute): the container's own
	 * process hides and write-protects them in its root, as runc does */
	char **masked_paths;
	uint32_t nmasked_paths;
	char **readonly_paths;
	uint32_t nreadonly_paths;
	/* A pod's app container's linux.resources, applied by guest-init in a
	 * cgroup (v2) of the container's own in the pod's guest, which its
	 * execs join too: memory.max in bytes (0: no limit), and cpu.max as
	 * quota per period in microseconds (quota 0: no limit; else period in
	 * VXN_CPU_PERIOD_MIN..MAX, quota at least VXN_CPU_QUOTA_MIN). A
	 * guest's own container leaves them 0: its guest is sized to it.
	 * Ignored in an EXEC_START payload. */
	uint64_t memory_max;
	uint64_t cpu_quota_us;
	uint64_t cpu_period_us;
	/* <= VXN_LAUNCH_FILES_LIST, their data <= VXN_LAUNCH_FILES_MAX bytes in
	 * all (a pool guest takes the launch over its channel); ignored in an
	 * EXEC_START payload */
	struct vxn_file *files;
	uint32_t nfiles;
};
/* the kernel's bounds for cpu.max (kernel/sched/core.c) */
#define VXN_CPU_PERIOD_MIN 1000u
#define VXN_CPU_PERIOD_MAX 1000000u
#define VXN_CPU_QUOTA_MIN 1000u

/* Encode into a malloc'd buffer. 0, or -EINVAL (limits) / -ENOMEM. */
int vxn_launch_encode(const struct vxn_launch *l, uint8_t **out, size_t *out_len);
/* Decode into *l (all owned, free with vxn_launch_free). 0 or -EPROTO/-ENOMEM.
 * On failure *l is left empty. */
int vxn_launch_decode(const uint8_t *buf, size_t len, struct vxn_launch *l);
void vxn_launch_free(struct vxn_launch *l);

/* ---------------------------------------------------------------- the channel */

/* xenstore path, relative to the guest's home /local/domain/<domid>/, where the
 * monitor (vchan server, in dom0) publishes the ring. */
#define VXN_XS_CHANNEL "data/vxn"
/* Ring sizes: guest -> host holds a whole stream window, so guest-init can
 * put a window's output in flight before it waits for credit (under
 * emulation every wake-up on either side is slow: tests/bench, stdout);
 * host -> guest carries stdin windows and control frames. */
#define VXN_RING_OUT_BYTES (1024u * 1024u)
#define VXN_RING_IN_BYTES (256u * 1024u)

/* The warm pool (host/pool.c): a guest booted without launch data in its
 * initramfs writes this key (guest-writable data/) once guest-init waits for
 * a monitor, which then sends the launch data as LAUNCH frames, at most
 * VXN_POOL_LAUNCH_MAX bytes of it so that all of it is queued before any
 * other frame (larger launch data boots a guest of its own). */
#define VXN_XS_POOL_READY "data/vxn-pool"
#define VXN_POOL_READY_VALUE "waiting"
#define VXN_POOL_LAUNCH_MAX (64u * 1024u)

enum vxn_frame_type {
	VXN_F_STDIN = 1,      /* host -> guest: bytes for the process's stdin */
	VXN_F_STDIN_EOF = 2,  /* host -> guest: close the process's stdin */
	VXN_F_STDOUT = 3,     /* guest -> host */
	VXN_F_STDERR = 4,     /* guest -> host */
	VXN_F_WINSIZE = 5,    /* host -> guest: struct vxn_winsize */
	VXN_F_SIGNAL = 6,     /* host -> guest: struct vxn_signal */
	VXN_F_EXIT = 7,       /* guest -> host: struct vxn_exit, last frame of a stream */
	VXN_F_ERROR = 8,      /* guest -> host: text, e.g. "exec: /bin/nope: no such file or directory" */
	VXN_F_HELLO = 9,      /* guest -> host: guest-init connected (empty payload) */
	VXN_F_EXEC_START = 10,   /* host -> guest: start a process for stream N >= 1; payload:
				  * a vxn_launch (vxn_launch_encode) of which only the process
				  * fields count (args, env, cwd, ids, umask, rlimits, terminal,
				  * capabilities, no_new_privileges, oom_score_adj) */
	VXN_F_EXEC_STARTED = 11, /* guest -> host: stream N's process runs (empty payload);
				  * a start failure is ERROR then EXIT on stream N instead.
				  * On stream 0: the container's own process was exec'd
				  * (`start` returns then, as runc's does) */
	VXN_F_PS_REQUEST = 12,   /* host -> guest: list processes; stream = request tag */
	VXN_F_PS_REPLY = 13,     /* guest -> host: "PID USER CMD\n" lines (vxn_ps_text_check),
				  * same stream as the request */
	VXN_F_STATS_REQUEST = 14, /* host -> guest: the guest's own view; stream = request tag */
	VXN_F_STATS_REPLY = 15,   /* guest -> host: struct vxn_guest_stats, same stream */
	VXN_F_CREDIT = 16,        /* both ways, u32 1..VXN_STREAM_WINDOW: host -> guest:
				   * stream N's reader took this many more output bytes;
				   * guest -> host: stream N's process took this many
				   * more stdin bytes (see below) */
	VXN_F_LAUNCH = 17,        /* host -> guest, warm pool only: the next bytes of the
				   * launch data (vxn_launch_encode), before any other frame */
	VXN_F_LAUNCH_END = 18,    /* host -> guest: the launch data is complete (empty) */
	VXN_F_NET = 19,           /* host -> guest, stream 0, once, before the process
				   * starts (launch net_wait): struct vxn_net */
	VXN_F_DNS_QUERY = 20,     /* guest -> host, stream 0: a DNS query a container's
				   * process sent to 127.0.0.11:53 (vxn_dns_encode) */
	VXN_F_DNS_REPLY = 21,     /* host -> guest, stream 0: the answer of the engine's
				   * resolver to the query with the same id */
	VXN_F_RESOLV_CONF = 22,   /* host -> guest, stream 0, right after NET (always):
				   * the container's resolv.conf as the engine left it
				   * after its hooks (Docker's names 127.0.0.11 only
				   * then), text of <= VXN_RESOLV_CONF_MAX bytes; empty:
				   * the guest's copy is current */
	VXN_F_CTR_START = 23,     /* host -> guest: start another container of the pod (the
				   * guest is a pod's, booted by its sandbox container) for
				   * stream N >= 1; payload: vxn_ctr_frame (its name, then
				   * a vxn_launch) whose process
				   * fields count as for EXEC_START, and whose mounts[0],
				   * destination "/" and type VXN_SHARE_TYPE with a source
				   * VXN_POD_SHARE_TAG "/<entry>", is the container's root;
				   * the other mounts as the main container's, their shares
				   * entries of the pod's share too; pid_namespace: a PID
				   * namespace of its own, else the pod's (the sandbox
				   * process's, shared: shareProcessNamespace). It gets a mount
				   * namespace of its own; network, IPC and UTS are the
				   * pod's. Answered as EXEC_START; its EXIT ends the stream */
	VXN_F_CTR_EXEC = 24,      /* host -> guest: start a process for stream N >= 1 in the
				   * mount and PID namespaces of the pod's container of
				   * that name (a running CTR_START); payload: vxn_ctr_frame
				   * with a launch as EXEC_START's; answered as EXEC_START */
	VXN_F_NET_ADD = 25,       /* host -> guest, stream 0, while the container runs: a
				   * NIC was added for an interface the engine put in the
				   * namespace (`docker network connect`): struct vxn_net of
				   * that interface; the guest finds the new NIC by its MAC */
	VXN_F_TYPE_MAX = 25,
};

/* CTR_START and CTR_EXEC payloads: u8 n, n bytes of the container's name
 * (its ID: [A-Za-z0-9_.-], 1..VXN_CTR_NAME_MAX), then an encoded vxn_launch
 * (the rest of the payload). */
#define VXN_CTR_NAME_MAX 128u
struct vxn_ctr_frame {
	char name[VXN_CTR_NAME_MAX + 1];
	const uint8_t *launch;    /* into the payload */
	size_t launch_len;
};
/* Encode name + launch into out (cap bytes): the length, or -1 when the name
 * is not valid or it does not fit. */
int vxn_ctr_frame_encode(const char *name, const uint8_t *launch, size_t launch_len,
			 uint8_t *out, size_t cap);
/* 0, or -1 for a malformed payload (bad or empty name, no launch bytes). */
int vxn_ctr_frame_decode(const uint8_t *p, size_t len, struct vxn_ctr_frame *f);

/* Every frame: an 8-byte header then len payload bytes. stream 0 is the
 * container's main process; exec'd processes get streams 1..65535, assigned by
 * the monitor. STDIN, STDIN_EOF, WINSIZE, SIGNAL (all = false), STDOUT, STDERR,
 * ERROR and EXIT apply to the stream they carry. */
#define VXN_FRAME_HDR_BYTES 8u
/* Flow control, per stream: guest-init sends at most this many bytes of a
 * stream's STDOUT and STDERR frames, headers included, that the host has not
 * given back with CREDIT frames (it starts with the whole window). The host gives credit as
 * the stream's reader takes the bytes, so a reader that stalls holds back
 * its own process only (its pipe fills), never the other streams. */
#define VXN_STREAM_WINDOW (1024u * 1024u)
/* And the other way: the host sends at most this many STDIN payload bytes of
 * a stream that guest-init has not given back (it holds them until the
 * process reads them), so guest-init never has to leave a frame in the ring
 * and the frames behind it (a CREDIT, a SIGNAL) are never held up. */
#define VXN_STDIN_WINDOW (4u * VXN_FRAME_MAX_PAYLOAD)  /* four frames */
#define VXN_FRAME_MAX_PAYLOAD 65536u
#define VXN_ERROR_MAX 1024u

struct vxn_frame_hdr {
	uint8_t type;
	uint8_t flags;        /* must be 0 */
	uint16_t stream;
	uint32_t len;
};

struct vxn_winsize {
	uint16_t rows;
	uint16_t cols;
};

struct vxn_signal {
	int32_t signo;        /* 1..64 */
	bool all;             /* every process in the guest, not only the container's */
};

enum vxn_exit_kind { VXN_EXIT_CODE = 0, VXN_EXIT_SIGNAL = 1 };

struct vxn_exit {
	uint8_t kind;         /* enum vxn_exit_kind */
	int32_t value;        /* exit code 0..255, or signal 1..64 */
};

/* Write a header into out[VXN_FRAME_HDR_BYTES]. */
void vxn_frame_hdr_encode(const struct vxn_frame_hdr *h, uint8_t out[VXN_FRAME_HDR_BYTES]);
/* Parse a header from buf (len >= VXN_FRAME_HDR_BYTES): 0, or -EPROTO for an
 * unknown type, non-zero flags, or len > VXN_FRAME_MAX_PAYLOAD (or larger than
 * that type allows). */
int vxn_frame_hdr_decode(const uint8_t buf[VXN_FRAME_HDR_BYTES], struct vxn_frame_hdr *h);
/* One frame, header then payload, into out, which has room bytes free: the
 * bytes written, or 0 (nothing written) when len is over
 * VXN_FRAME_MAX_PAYLOAD or the frame does not fit. */
size_t vxn_frame_put(uint8_t *out, size_t room, uint8_t type, uint16_t stream,
		     const void *payload, uint32_t len);

/* Fixed-size payloads: encode returns the payload length written into out;
 * decode returns 0 or -EPROTO (wrong length, value out of range). */
#define VXN_WINSIZE_BYTES 4u
#define VXN_SIGNAL_BYTES 8u
#define VXN_EXIT_BYTES 8u
#define VXN_CREDIT_BYTES 4u
size_t vxn_winsize_encode(const struct vxn_winsize *w, uint8_t out[VXN_WINSIZE_BYTES]);
int vxn_winsize_decode(const uint8_t *p, size_t len, struct vxn_winsize *w);
size_t vxn_signal_encode(const struct vxn_signal *s, uint8_t out[VXN_SIGNAL_BYTES]);
int vxn_signal_decode(const uint8_t *p, size_t len, struct vxn_signal *s);
size_t vxn_exit_encode(const struct vxn_exit *e, uint8_t out[VXN_EXIT_BYTES]);
int vxn_exit_decode(const uint8_t *p, size_t len, struct vxn_exit *e);
size_t vxn_credit_encode(uint32_t bytes, uint8_t out[VXN_CREDIT_BYTES]);
int vxn_credit_decode(const uint8_t *p, size_t len, uint32_t *bytes);
/* What a side holds after a CREDIT of more bytes: have + more, never beyond
 * window, whatever the other side says. */
uint32_t vxn_credit_add(uint32_t have, uint32_t more, uint32_t window);
/* Error text: copies at most VXN_ERROR_MAX bytes into out (cap >= VXN_ERROR_MAX+1),
 * NUL-terminates, replaces bytes that are not printable ASCII with '?'.
 * -EPROTO if len > VXN_ERROR_MAX. */
int vxn_error_text_decode(const uint8_t *p, size_t len, char *out, size_t cap);

/* A PS_REPLY payload: 0 when it is lines "PID USER CMD\n", PID 1..10 digits,
 * USER 1..32 of [A-Za-z0-9_.-], CMD 1..VXN_PS_CMD_MAX printable ASCII bytes;
 * -EPROTO otherwise (also for len > VXN_FRAME_MAX_PAYLOAD). An empty payload is
 * a valid empty list. */
#define VXN_PS_CMD_MAX 256u
int vxn_ps_text_check(const uint8_t *p, size_t len);

/* The guest's own view of itself (what Xen cannot see from outside): its
 * memory as the guest kernel counts it (after the balloon driver's changes),
 * its processes and its online CPUs. */
struct vxn_guest_stats {
	uint64_t mem_total_kib;      /* MemTotal */
	uint64_t mem_free_kib;       /* MemFree, <= mem_total_kib */
	uint64_t mem_available_kib;  /* MemAvailable, <= mem_total_kib */
	uint32_t processes;          /* the container's, init not counted: 0..VXN_GUEST_PROCS_MAX */
	uint32_t cpus_online;        /* 1..VXN_GUEST_CPUS_MAX */
};
#define VXN_GUEST_STATS_BYTES 32u
#define VXN_GUEST_PROCS_MAX 4194304u  /* the kernel's PID_MAX_LIMIT */
#define VXN_GUEST_CPUS_MAX 512u       /* Xen's limit for a PV guest */
size_t vxn_guest_stats_encode(const struct vxn_guest_stats *s,
			      uint8_t out[VXN_GUEST_STATS_BYTES]);
int vxn_guest_stats_decode(const uint8_t *p, size_t len, struct vxn_guest_stats *s);

/* The container's network as its namespace on the host had it (the veth the
 * engine made): the guest gives its eth0 the veth's MAC, MTU, addresses and
 * routes. No NIC (--network=none): lo only. Addresses are in network byte
 * order; an IPv4 one uses the first 4 of the 16 bytes, the rest are zero. */
#define VXN_NET_MAX_ADDRS 16u
#define VXN_NET_MAX_ROUTES 32u
#define VXN_NET_MTU_MIN 68u
#define VXN_NET_MTU_MAX 65535u
struct vxn_net_addr {
	uint8_t family;        /* 4 or 6 */
	uint8_t prefix;        /* 0..32 or 0..128 */
	uint8_t addr[16];
};
struct vxn_net_route {
	uint8_t family;        /* 4 or 6 */
	uint8_t dst_len;       /* 0 (default route) .. 32/128 */
	bool has_gateway;      /* else the destination is on the link */
	uint8_t dst[16];
	uint8_t gateway[16];
};
struct vxn_net {
	bool has_nic;
	uint8_t mac[6];        /* unicast */
	uint32_t mtu;          /* VXN_NET_MTU_MIN..VXN_NET_MTU_MAX */
	uint32_t naddrs;       /* <= VXN_NET_MAX_ADDRS */
	struct vxn_net_addr addrs[VXN_NET_MAX_ADDRS];
	uint32_t nroutes;      /* <= VXN_NET_MAX_ROUTES */
	struct vxn_net_route routes[VXN_NET_MAX_ROUTES];
};
#define VXN_NET_ADDR_BYTES 18u
#define VXN_NET_ROUTE_BYTES 35u
#define VXN_NET_MAX_BYTES (13u + VXN_NET_MAX_ADDRS * VXN_NET_ADDR_BYTES + \
			   VXN_NET_MAX_ROUTES * VXN_NET_ROUTE_BYTES)
/* encode: the length written into out (cap >= VXN_NET_MAX_BYTES), or 0 when
 * *n breaks a rule the decoder enforces. decode: 0 or -EPROTO (wrong length,
 * a count, family, prefix or MTU out of range, a multicast MAC, bytes past an
 * IPv4 address that are not zero, a gateway flag that is not 0/1). */
/* The bytes of an address of family 4 or 6 (0 for any other). */
uint8_t vxn_net_addr_len(uint8_t family);
size_t vxn_net_encode(const struct vxn_net *n, uint8_t *out, size_t cap);
int vxn_net_decode(const uint8_t *p, size_t len, struct vxn_net *n);

/* Docker's embedded DNS: on a user-defined network the engine writes
 * "nameserver 127.0.0.11" into the container's resolv.conf and answers on
 * 127.0.0.11:53 inside the container's network namespace, where the monitor
 * runs and the guest does not. guest-init answers on 127.0.0.11:53 in the
 * guest and carries each UDP query over the channel; the monitor asks the
 * resolver and carries the reply back. Payload of DNS_QUERY and DNS_REPLY:
 * u32 id (the guest's, echoed in the reply), then one DNS message of
 * VXN_DNS_MSG_MIN..VXN_DNS_MSG_MAX bytes (a header at least; 4096 is EDNS's
 * largest common UDP size). */
#define VXN_RESOLV_CONF_MAX 16384u
#define VXN_DNS_RESOLVER "127.0.0.11"
#define VXN_DNS_PORT 53
#define VXN_DNS_MSG_MIN 12u
#define VXN_DNS_MSG_MAX 4096u
#define VXN_DNS_ID_BYTES 4u
#define VXN_DNS_MAX_BYTES (VXN_DNS_ID_BYTES + VXN_DNS_MSG_MAX)
/* encode: the payload length written into out (cap >= VXN_DNS_ID_BYTES +
 * len), or 0 when len is outside VXN_DNS_MSG_MIN..VXN_DNS_MSG_MAX. decode:
 * 0 with *id, *msg (pointing into p) and *msg_len, or -EPROTO (a length out
 * of those bounds). */
size_t vxn_dns_encode(uint32_t id, const uint8_t *msg, size_t len, uint8_t *out, size_t cap);
int vxn_dns_decode(const uint8_t *p, size_t len, uint32_t *id, const uint8_t **msg,
		   size_t *msg_len);
/* The 16-bit DNS message ID of a message of at least VXN_DNS_MSG_MIN bytes. */
uint16_t vxn_dns_msg_id(const uint8_t *msg);

/* Wait status of the container's process, as the host reports it: exit N -> N,
 * signal S -> 128 + S. */
int vxn_exit_status(const struct vxn_exit *e);

#endif
