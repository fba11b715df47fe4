/* Writes the binary seeds of tests/fuzz/corpus/ with the real encoders, so
 * that they are what vxn and guest-init actually send:
 *   make-seeds DIR   (DIR/frame/, DIR/launch/, DIR/monitor/, DIR/handoff/)
 * Its output is committed; run it again when the protocol changes
 * (tests/fuzz/run --seeds). The text seeds (JSON, vxn.conf, replies) are
 * written by hand. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor_handoff.h"
#include "vxn-proto.h"

static const char *top;

static void put(const char *harness, const char *name, const void *p, size_t n)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", top, harness);
	if (mkdir(path, 0755) && errno != EEXIST)
		exit(1);
	snprintf(path, sizeof path, "%s/%s/%s", top, harness, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd)) {
		perror(path);
		exit(1);
	}
}

/* fuzz_frame: a mode byte (frame.c's switch), then the bytes. */
static void frame_seeds(void)
{
	static uint8_t b[1 + VXN_NET_MAX_BYTES];
	struct vxn_frame_hdr h = { .type = VXN_F_STDOUT, .stream = 3, .len = 512 };
	struct vxn_guest_stats st = { 262144, 131072, 200000, 12, 2 };
	struct vxn_exit e = { VXN_EXIT_SIGNAL, 15 };
	struct vxn_signal sig = { 9, true };
	struct vxn_winsize w = { 24, 80 };
	static const char ps[] = "1 root /bin/sh -c sleep 100\n27 nobody sleep 100\n";
	struct vxn_net net = { .has_nic = true, .mac = { 0x02, 0x42, 0xc6, 0x12, 0, 2 }, .mtu = 1500,
			       .naddrs = 1, .addrs = { { 4, 24, { 198, 18, 0, 2 } } },
			       .nroutes = 1, .routes = { { 4, 0, true, { 0 }, { 198, 18, 0, 1 } } } };
	/* a query for "srv", type A, class IN */
	static const uint8_t query[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					 3, 's', 'r', 'v', 0, 0, 1, 0, 1 };

	b[0] = 0, vxn_frame_hdr_encode(&h, b + 1), put("frame", "header-stdout", b, 9);
	b[0] = 1, put("frame", "winsize", b, 1 + vxn_winsize_encode(&w, b + 1));
	b[0] = 1 | 1 << 3, put("frame", "signal", b, 1 + vxn_signal_encode(&sig, b + 1));
	b[0] = 1 | 2 << 3, put("frame", "exit", b, 1 + vxn_exit_encode(&e, b + 1));
	b[0] = 1 | 3 << 3, put("frame", "stats", b, 1 + vxn_guest_stats_encode(&st, b + 1));
	b[0] = 1 | 4 << 3, put("frame", "credit", b, 1 + vxn_credit_encode(65536, b + 1));
	b[0] = 2, vxn_credit_encode(VXN_STREAM_WINDOW, b + 1), vxn_credit_encode(4096, b + 5);
	put("frame", "credits", b, 9);
	b[0] = 3, memcpy(b + 1, ps, sizeof ps - 1), put("frame", "ps-text", b, sizeof ps);
	b[0] = 4, put("frame", "net", b, 1 + vxn_net_encode(&net, b + 1, VXN_NET_MAX_BYTES));
	b[0] = 5, put("frame", "dns", b, 1 + vxn_dns_encode(7, query, sizeof query, b + 1, sizeof b - 1));
}

static char *args[] = { "/bin/sh", "-c", "echo hi; exit 3", NULL };
static char *env[] = { "PATH=/usr/bin:/bin", "TERM=xterm", NULL };
static uint32_t gids[] = { 10, 20 };
static struct vxn_rlimit rlimits[] = { { 7, 1024, 4096 } };
static struct vxn_mount mounts[] = {
	{ "/proc", "proc", "proc", 0xe, "" },
	{ "/dev/shm", "tmpfs", "shm", 0x6, "mode=1777,size=65536k" },
	{ "/data", VXN_SHARE_TYPE, "vxn0", 0x1001, "" },
};
static struct vxn_share shares[] = { { "vxn0" }, { "vxn1" } };

static struct vxn_device devices[] = { { "/dev/fuse", 'c', 10, 229, 0660, 0, 0 },
					{ "/dev/p", 'p', 0, 0, 0666, 0, 0 } };
static char *sysctl[] = { "net.ipv4.ip_forward=1", NULL };
static char *masked[] = { "/proc/kcore", NULL };
static char *readonly[] = { "/proc/sys", NULL };
static uint8_t hosts[] = "127.0.0.1\tlocalhost\n";
static struct vxn_file files[] = { { "/etc/hosts", 0644, hosts, sizeof hosts - 1 },
				   { "/etc/hostname", 0644, (uint8_t *)"box\n", 4 } };

static void launch_seeds(uint8_t **enc, size_t *len)
{
	struct vxn_launch l = {
		.devices = devices, .ndevices = 2, .sysctl = sysctl, .nsysctl = 1,
		.masked_paths = masked, .nmasked_paths = 1,
		.readonly_paths = readonly, .nreadonly_paths = 1,
		.args = args, .nargs = 3, .env = env, .nenv = 2, .cwd = "/tmp",
		.uid = 1000, .gid = 1000, .gids = gids, .ngids = 2, .umask = 022,
		.hostname = "box", .rlimits = rlimits, .nrlimits = 1, .terminal = true,
		.rows = 24, .cols = 80, .mounts = mounts, .nmounts = 3,
		.shares = shares, .nshares = 2,
		.root_fstype = "ext4", .root_readonly = false, .files = files, .nfiles = 2,
	};
	struct vxn_launch small = { .args = args, .nargs = 1, .env = env, .nenv = 0, .cwd = "/",
				    .umask = -1, .hostname = "", .root_fstype = "erofs",
				    .root_readonly = true };
	uint8_t *s;
	size_t n;

	if (vxn_launch_encode(&l, enc, len) || vxn_launch_encode(&small, &s, &n))
		exit(1);
	put("launch", "full", *enc, *len);
	put("launch", "small", s, n);
	free(s);
}

/* fuzz_monitor: opcode 0 (a guest frame: type, stream, length, payload),
 * 5 (the monitor pumps), 6 (stdin), 8 (a query), 9 (an exec client),
 * 10 (clients drain), 4 (the guest consumes). */
static void monitor_seeds(void)
{
	uint8_t s[256], p[VXN_GUEST_STATS_BYTES];
	struct vxn_guest_stats st = { 262144, 131072, 200000, 12, 2 };
	struct vxn_exit e = { VXN_EXIT_CODE, 3 };
	size_t n = 0;

	s[n++] = 0, s[n++] = VXN_F_HELLO, s[n++] = 0, s[n++] = 0;
	s[n++] = 0, s[n++] = VXN_F_STDOUT, s[n++] = 0, s[n++] = 5;
	memcpy(s + n, "hello", 5), n += 5;
	s[n++] = 9, s[n++] = 8, s[n++] = 1;  /* an exec client, a stats query (tag 0) */
	s[n++] = 0, s[n++] = VXN_F_STATS_REPLY, s[n++] = 0, s[n++] = VXN_GUEST_STATS_BYTES;
	vxn_guest_stats_encode(&st, p), memcpy(s + n, p, sizeof p), n += sizeof p;
	s[n++] = 0, s[n++] = VXN_F_STDERR, s[n++] = 1, s[n++] = 3;  /* exec stream 1 */
	memcpy(s + n, "err", 3), n += 3;
	s[n++] = 0, s[n++] = VXN_F_EXIT, s[n++] = 1, s[n++] = VXN_EXIT_BYTES;
	n += vxn_exit_encode(&e, s + n);
	s[n++] = 5, s[n++] = 10;
	s[n++] = 6, s[n++] = 0x00, s[n++] = 0x10, s[n++] = 0;  /* 4096 bytes of stdin */
	s[n++] = 4, s[n++] = 0x00, s[n++] = 0x10;
	s[n++] = 0, s[n++] = VXN_F_EXIT, s[n++] = 0, s[n++] = VXN_EXIT_BYTES;
	n += vxn_exit_encode(&e, s + n);
	s[n++] = 5;
	put("monitor", "session", s, n);
}

static void handoff_seed(const uint8_t *launch, size_t len)
{
	struct monitor_handoff h;
	uint8_t *b = malloc(sizeof h + len);

	memset(&h, 0, sizeof h);
	strcpy(h.magic, MONITOR_HANDOFF_MAGIC);
	h.size = sizeof h;
	h.domid = 7;
	h.launch_len = (uint32_t)len;
	h.ready_fd = 3, h.lock_fd = 4, h.loop_fd = 5;
	h.pooled = 1, h.terminal = 1, h.rows = 24, h.cols = 80;
	strcpy(h.id, "c1");
	strcpy(h.domain_name, "vxn-c1");
	strcpy(h.state_dir, "/run/vxn/c1");
	strcpy(h.vxn_path, "/usr/bin/vxn");
	if (!b)
		exit(1);
	memcpy(b, &h, sizeof h);
	memcpy(b + sizeof h, launch, len);
	put("handoff", "pooled", b, sizeof h + len);
	h.launch_len = 0, h.pooled = 0, h.loop_fd = -1;
	put("handoff", "plain", &h, sizeof h);
	free(b);
}

int main(int argc, char **argv)
{
	uint8_t *launch;
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: make-seeds DIR\n");
		return 2;
	}
	top = argv[1];
	frame_seeds();
	launch_seeds(&launch, &len);
	monitor_seeds();
	handoff_seed(launch, len);
	free(launch);
	return 0;
}
