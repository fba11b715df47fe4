/* proto/launch.c: round trips and hostile input. Every decode runs on an
 * exact-size heap copy so ASan catches any read past the given length. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vxn-proto.h"

static char *args[] = { "/bin/sh", "-c", "echo hi; exit 3", NULL };
static char *env[] = { "PATH=/usr/bin:/bin", "FOO=bar", "EMPTY=", NULL };
static uint32_t gids[] = { 10, 20, 4294967295u };
static struct vxn_rlimit rlimits[] = {
	{ 7, 1024, 4096 },
	{ 3, UINT64_MAX, UINT64_MAX },
};
static struct vxn_mount mounts[] = {
	{ "/proc", "proc", "proc", 0xe, "" },
	{ "/dev/shm", "tmpfs", "shm", 0x6, "mode=1777,size=65536k" },
	{ "/data", "bind", "/srv/data", 0x1000 | 0x4000, "" },
	{ "/vol", VXN_SHARE_TYPE, "vxn0", 0x1000 | 0x1, "" },
};
static struct vxn_share shares[] = { { "vxn0" }, { "vxn1" } };
static struct vxn_device devices[] = {
	{ "/dev/fuse", 'c', 10, 229, 0666, 0, 0 },
	{ "/dev/sub/disk", 'b', 202, 16, 0600, 1000, 6 },
	{ "/dev/pipe", 'p', 0, 0, 07777, 0, 0 },
};
static char *sysctl[] = { "net.ipv4.ip_forward=1", "kernel.msgmax=65536", "fs.x=a=b", NULL };
static char *masked[] = { "/proc/kcore", "/sys/firmware", NULL };
static char *readonly[] = { "/proc/sys", NULL };
static uint8_t hosts_text[] = "127.0.0.1\tlocalhost\n";
static uint8_t binary[] = { 0, 1, 0, 0xff };
static struct vxn_file files[] = {
	{ "/etc/hosts", 0644, hosts_text, sizeof hosts_text - 1 },
	{ "/etc/empty", 0600, NULL, 0 },
	{ "/run/bin", 07777, binary, sizeof binary },
};

static struct vxn_launch full_launch(void)
{
	struct vxn_launch l = {
		.args = args, .nargs = 3,
		.env = env, .nenv = 3,
		.cwd = "/tmp",
		.uid = 1000, .gid = 1001,
		.gids = gids, .ngids = 3,
		.umask = 022,
		.hostname = "box",
		.rlimits = rlimits, .nrlimits = 2,
		.terminal = true, .rows = 24, .cols = 80,
		.mounts = mounts, .nmounts = 4,
		.shares = shares, .nshares = 2,
		.root_fstype = "erofs",
		.root_readonly = true,
		.pid_namespace = true,
		.caps = { .bounding = 0xa80425fbull, .effective = 0x20, .permitted = 0x420,
			  .inheritable = 1ull << 40, .ambient = UINT64_MAX },
		.no_new_privileges = true,
		.oom_score_adj_set = true,
		.oom_score_adj = -1000,
		.net_wait = true,
		.devices = devices, .ndevices = 3,
		.sysctl = sysctl, .nsysctl = 3,
		.masked_paths = masked, .nmasked_paths = 2,
		.readonly_paths = readonly, .nreadonly_paths = 1,
		.memory_max = 64ull << 20, .cpu_quota_us = 50000, .cpu_period_us = 100000,
		.files = files, .nfiles = 3,
	};
	return l;
}

static struct vxn_launch minimal_launch(void)
{
	static char *a[] = { "a", NULL };
	struct vxn_launch l = {
		.args = a, .nargs = 1, .cwd = "/", .umask = -1, .hostname = "",
		.root_fstype = "ext4",
	};
	return l;
}

/* Offsets of fields in the encoding of minimal_launch(). */
enum {
	OFF_VERSION = 4, OFF_NARGS = 8, OFF_ARG0_LEN = 12, OFF_ARG0 = 16,
	OFF_NENV = 17, OFF_CWD_LEN = 21, OFF_NGIDS = 34, OFF_UMASK = 38,
	OFF_HOSTNAME_LEN = 42, OFF_NRLIMITS = 46, OFF_TERMINAL = 50,
	OFF_NMOUNTS = 55, OFF_NSHARES = 59, OFF_FSTYPE_LEN = 63, OFF_RO = 71,
	OFF_PIDNS = 72, OFF_BOUNDING = 73, OFF_AMBIENT = 105, OFF_NNP = 113,
	OFF_OOM_SET = 114, OFF_OOM = 115, OFF_NET_WAIT = 119, OFF_NDEVICES = 120,
	OFF_NSYSCTL = 124, OFF_NMASKED = 128, OFF_NREADONLY = 132, OFF_MEMORY_MAX = 136,
	OFF_CPU_QUOTA = 144, OFF_CPU_PERIOD = 152, OFF_NFILES = 160, MINIMAL_LEN = 164,
};

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool is_zeroed(const struct vxn_launch *l)
{
	static const struct vxn_launch zero;
	return memcmp(l, &zero, sizeof zero) == 0;
}

/* Decode from an exact-size copy; on failure check *l was left empty. */
static int decode_copy(const uint8_t *buf, size_t len, struct vxn_launch *l)
{
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, buf, len);
	memset(l, 0xa5, sizeof *l);
	int r = vxn_launch_decode(copy, len, l);
	free(copy);
	if (r != 0)
		assert_true(is_zeroed(l));
	return r;
}

static uint8_t *encode_ok(const struct vxn_launch *l, size_t *len)
{
	uint8_t *buf = NULL;
	assert_int_equal(vxn_launch_encode(l, &buf, len), 0);
	assert_non_null(buf);
	return buf;
}

static void assert_str_lists_equal(char **a, char **b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		assert_string_equal(a[i], b[i]);
}

static void assert_launch_equal(const struct vxn_launch *a, const struct vxn_launch *b)
{
	assert_int_equal(a->nargs, b->nargs);
	assert_str_lists_equal(a->args, b->args, a->nargs);
	assert_int_equal(a->nenv, b->nenv);
	assert_str_lists_equal(a->env, b->env, a->nenv);
	assert_string_equal(a->cwd, b->cwd);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->ngids, b->ngids);
	if (a->ngids)
		assert_memory_equal(a->gids, b->gids, a->ngids * sizeof *a->gids);
	assert_int_equal(a->umask, b->umask);
	assert_string_equal(a->hostname, b->hostname);
	assert_int_equal(a->nrlimits, b->nrlimits);
	for (uint32_t i = 0; i < a->nrlimits; i++) {
		assert_int_equal(a->rlimits[i].type, b->rlimits[i].type);
		assert_true(a->rlimits[i].soft == b->rlimits[i].soft);
		assert_true(a->rlimits[i].hard == b->rlimits[i].hard);
	}
	assert_int_equal(a->terminal, b->terminal);
	assert_int_equal(a->rows, b->rows);
	assert_int_equal(a->cols, b->cols);
	assert_int_equal(a->nmounts, b->nmounts);
	for (uint32_t i = 0; i < a->nmounts; i++) {
		assert_string_equal(a->mounts[i].destination, b->mounts[i].destination);
		assert_string_equal(a->mounts[i].type, b->mounts[i].type);
		assert_string_equal(a->mounts[i].source, b->mounts[i].source);
		assert_true(a->mounts[i].flags == b->mounts[i].flags);
		assert_string_equal(a->mounts[i].data, b->mounts[i].data);
	}
	assert_int_equal(a->nshares, b->nshares);
	for (uint32_t i = 0; i < a->nshares; i++)
		assert_string_equal(a->shares[i].tag, b->shares[i].tag);
	assert_string_equal(a->root_fstype, b->root_fstype);
	assert_int_equal(a->root_readonly, b->root_readonly);
	assert_int_equal(a->pid_namespace, b->pid_namespace);
	assert_memory_equal(&a->caps, &b->caps, sizeof a->caps);
	assert_int_equal(a->no_new_privileges, b->no_new_privileges);
	assert_int_equal(a->oom_score_adj_set, b->oom_score_adj_set);
	assert_int_equal(a->oom_score_adj, b->oom_score_adj);
	assert_int_equal(a->net_wait, b->net_wait);
	assert_int_equal(a->ndevices, b->ndevices);
	for (uint32_t i = 0; i < a->ndevices; i++) {
		assert_string_equal(a->devices[i].path, b->devices[i].path);
		assert_int_equal(a->devices[i].type, b->devices[i].type);
		assert_int_equal(a->devices[i].major, b->devices[i].major);
		assert_int_equal(a->devices[i].minor, b->devices[i].minor);
		assert_int_equal(a->devices[i].mode, b->devices[i].mode);
		assert_int_equal(a->devices[i].uid, b->devices[i].uid);
		assert_int_equal(a->devices[i].gid, b->devices[i].gid);
	}
	assert_int_equal(a->nsysctl, b->nsysctl);
	assert_str_lists_equal(a->sysctl, b->sysctl, a->nsysctl);
	assert_int_equal(a->nmasked_paths, b->nmasked_paths);
	assert_str_lists_equal(a->masked_paths, b->masked_paths, a->nmasked_paths);
	assert_int_equal(a->nreadonly_paths, b->nreadonly_paths);
	assert_str_lists_equal(a->readonly_paths, b->readonly_paths, a->nreadonly_paths);
	assert_true(a->memory_max == b->memory_max);
	assert_true(a->cpu_quota_us == b->cpu_quota_us);
	assert_true(a->cpu_period_us == b->cpu_period_us);
	assert_int_equal(a->nfiles, b->nfiles);
	for (uint32_t i = 0; i < a->nfiles; i++) {
		assert_string_equal(a->files[i].path, b->files[i].path);
		assert_int_equal(a->files[i].mode, b->files[i].mode);
		assert_int_equal(a->files[i].len, b->files[i].len);
		if (a->files[i].len)
			assert_memory_equal(a->files[i].data, b->files[i].data, a->files[i].len);
	}
}

static void test_round_trip_full(void **state)
{
	(void)state;
	struct vxn_launch in = full_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	assert_memory_equal(buf, "VXNL\x07\x00\x00\x00", 8);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_launch_equal(&in, &out);
	assert_null(out.args[out.nargs]);
	assert_null(out.env[out.nenv]);
	vxn_launch_free(&out);
	assert_true(is_zeroed(&out));
	free(buf);
}

static void test_round_trip_minimal_layout(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	assert_int_equal(len, MINIMAL_LEN);
	assert_int_equal(buf[OFF_ARG0], 'a');
	assert_memory_equal(buf + OFF_FSTYPE_LEN + 4, "ext4", 4);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_launch_equal(&in, &out);
	assert_int_equal(out.nenv, 0);
	assert_non_null(out.env);
	assert_null(out.env[0]);
	vxn_launch_free(&out);
	free(buf);
}

/* What `vxn exec` sends in an EXEC_START frame: process fields only, no
 * mounts, empty hostname and root type. It must fit one frame. */
static void test_exec_process_round_trip(void **state)
{
	(void)state;
	struct vxn_launch in = full_launch(), out;
	size_t len;

	in.hostname = "";
	in.root_fstype = "";
	in.mounts = NULL;
	in.nmounts = 0;
	uint8_t *buf = encode_ok(&in, &len);
	assert_true(len <= VXN_FRAME_MAX_PAYLOAD);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_launch_equal(&in, &out);
	assert_true(out.terminal);
	vxn_launch_free(&out);
	/* a guest-init fed a cut-off EXEC_START payload refuses it */
	for (size_t cut = 0; cut < len; cut += 7)
		assert_int_equal(decode_copy(buf, cut, &out), -EPROTO);
	free(buf);
}

static void test_truncated_at_every_offset(void **state)
{
	(void)state;
	struct vxn_launch in = full_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(decode_copy(buf, cut, &out), -EPROTO);
	free(buf);
}

static void test_trailing_bytes(void **state)
{
	(void)state;
	struct vxn_launch in = full_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);
	uint8_t *longer = calloc(1, len + 1);

	memcpy(longer, buf, len);
	assert_int_equal(decode_copy(longer, len + 1, &out), -EPROTO);
	free(longer);
	free(buf);
}

/* Patch one u32 of the minimal encoding and expect the decoder to refuse it. */
static void expect_patched_u32_refused(size_t off, uint32_t v)
{
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	put_le32(buf + off, v);
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
}

static void test_wrong_magic_and_version(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	buf[0] = 'X';
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
	expect_patched_u32_refused(OFF_VERSION, 0);
	expect_patched_u32_refused(OFF_VERSION, 1);  /* before pid_namespace */
	expect_patched_u32_refused(OFF_VERSION, 2);  /* before shares */
	expect_patched_u32_refused(OFF_VERSION, 3);  /* before net_wait */
	expect_patched_u32_refused(OFF_VERSION, 4);  /* before devices, sysctl */
	expect_patched_u32_refused(OFF_VERSION, 5);  /* before memory_max, cpu */
	expect_patched_u32_refused(OFF_VERSION, 6);  /* before files */
	expect_patched_u32_refused(OFF_VERSION, 8);
	expect_patched_u32_refused(OFF_VERSION, 0xffffffffu);
}

static void test_huge_counts_and_lengths(void **state)
{
	(void)state;
	const size_t offs[] = { OFF_NARGS, OFF_ARG0_LEN, OFF_NENV, OFF_CWD_LEN,
				OFF_NGIDS, OFF_HOSTNAME_LEN, OFF_NRLIMITS,
				OFF_NMOUNTS, OFF_NSHARES, OFF_FSTYPE_LEN, OFF_NFILES };
	const uint32_t vals[] = { 0xffffffffu, 0x80000000u, VXN_LAUNCH_MAX_LIST + 1,
				  VXN_LAUNCH_MAX_STR + 1, 1000 };

	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
		for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++)
			expect_patched_u32_refused(offs[i], vals[j]);
}

static void test_empty_args_refused(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);
	/* nargs = 0 and drop the one arg (u32 len + 1 byte) */
	uint8_t *cut = malloc(len - 5);

	memcpy(cut, buf, OFF_ARG0_LEN);
	memcpy(cut + OFF_ARG0_LEN, buf + OFF_NENV, len - OFF_NENV);
	put_le32(cut + OFF_NARGS, 0);
	assert_int_equal(decode_copy(cut, len - 5, &out), -EPROTO);
	free(cut);
	free(buf);

	in.nargs = 0;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	assert_null(buf);
}

static void test_embedded_nul_refused(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	buf[OFF_ARG0] = '\0';
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);

	buf = encode_ok(&in, &len);
	buf[OFF_FSTYPE_LEN + 4 + 3] = '\0'; /* "ext\0" */
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
}

/* A string length that claims one byte more than is there: the NUL-less
 * string must not run into the next field. */
static void test_unterminated_string_refused(void **state)
{
	(void)state;
	expect_patched_u32_refused(OFF_FSTYPE_LEN, 5);
	expect_patched_u32_refused(OFF_FSTYPE_LEN, 6);
}

static void test_bad_bools_and_umask(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	buf[OFF_TERMINAL] = 2;
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	buf[OFF_TERMINAL] = 0;
	buf[OFF_RO] = 0xff;
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	buf[OFF_RO] = 0;
	buf[OFF_PIDNS] = 2;
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	buf[OFF_PIDNS] = 1;
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_true(out.pid_namespace);
	vxn_launch_free(&out);
	buf[OFF_NET_WAIT] = 2;
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
	expect_patched_u32_refused(OFF_UMASK, 01000);
	expect_patched_u32_refused(OFF_UMASK, (uint32_t)-2);

	in.umask = 01000;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
}

/* Capabilities round trip in all 64 bits; oom_score_adj: one encoding per
 * launch (no value without its flag), within the kernel's range. */
static void test_security_fields(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	size_t len;
	uint8_t *buf = encode_ok(&in, &len);

	buf[OFF_BOUNDING] = 1;
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_true(out.caps.bounding == 1);
	vxn_launch_free(&out);
	buf[OFF_AMBIENT + 7] = 0x80;
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_true(out.caps.ambient == 1ull << 63);
	vxn_launch_free(&out);
	buf[OFF_NNP] = 2;
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	buf[OFF_NNP] = 1;
	put_le32(buf + OFF_OOM, 5);
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);  /* a value without its flag */
	buf[OFF_OOM_SET] = 1;
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_int_equal(out.oom_score_adj, 5);
	assert_true(out.no_new_privileges);
	vxn_launch_free(&out);
	put_le32(buf + OFF_OOM, (uint32_t)-1000);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	vxn_launch_free(&out);
	put_le32(buf + OFF_OOM, (uint32_t)-1001);
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	put_le32(buf + OFF_OOM, 1001);
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);

	in.oom_score_adj = 1;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	in.oom_score_adj_set = true;
	in.oom_score_adj = 1001;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
}

/* cpu.max as the kernel takes it: no quota without a period and the
 * reverse, a period within 1 ms..1 s, a quota of 1 ms or more */
static void test_limits(void **state)
{
	(void)state;
	static const struct { uint64_t quota, period; int ok; } cases[] = {
		{ 0, 0, 1 }, { 1000, 1000, 1 }, { 200000, 1000000, 1 }, { UINT32_MAX, 100000, 1 },
		{ 0, 100000, 0 }, { 100000, 0, 0 }, { 999, 100000, 0 }, { 100000, 999, 0 },
		{ 100000, 1000001, 0 }, { 1ull + UINT32_MAX, 100000, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct vxn_launch in = minimal_launch(), out;
		uint8_t *buf;
		size_t len;
		in.cpu_quota_us = cases[i].quota;
		in.cpu_period_us = cases[i].period;
		assert_int_equal(vxn_launch_encode(&in, &buf, &len), cases[i].ok ? 0 : -EINVAL);
		if (!cases[i].ok) {
			in.cpu_quota_us = in.cpu_period_us = 0;
			buf = encode_ok(&in, &len);
			put_le32(buf + OFF_CPU_QUOTA, (uint32_t)cases[i].quota);
			put_le32(buf + OFF_CPU_QUOTA + 4, (uint32_t)(cases[i].quota >> 32));
			put_le32(buf + OFF_CPU_PERIOD, (uint32_t)cases[i].period);
			assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
			free(buf);
			continue;
		}
		assert_int_equal(decode_copy(buf, len, &out), 0);
		assert_true(out.cpu_quota_us == cases[i].quota && out.cpu_period_us == cases[i].period);
		vxn_launch_free(&out);
		free(buf);
	}
}

/* Files: at most VXN_LAUNCH_FILES_LIST, their bytes VXN_LAUNCH_FILES_MAX in
 * all, each at an absolute path with permission bits only: refused by the
 * encoder, and by the decoder when present in the bytes. */
static void test_files_limits(void **state)
{
	(void)state;
	static uint8_t big[VXN_LAUNCH_FILES_MAX];
	struct vxn_file f[VXN_LAUNCH_FILES_LIST + 1];
	struct vxn_launch in = minimal_launch(), out;
	uint8_t *buf;
	size_t len;

	for (size_t i = 0; i <= VXN_LAUNCH_FILES_LIST; i++)
		f[i] = (struct vxn_file){ "/f", 0644, big, 0 };
	in.files = f;
	in.nfiles = VXN_LAUNCH_FILES_LIST;
	f[0].len = VXN_LAUNCH_FILES_MAX;  /* all the budget, in one file */
	buf = encode_ok(&in, &len);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_int_equal(out.nfiles, VXN_LAUNCH_FILES_LIST);
	assert_int_equal(out.files[0].len, VXN_LAUNCH_FILES_MAX);
	vxn_launch_free(&out);
	free(buf);
	/* one byte more, in another file: the encoder refuses it; the decoder
	 * too, its length patched in */
	f[1].len = 1;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	f[1].len = 0;
	buf = encode_ok(&in, &len);
	/* the second file's data: after the count, the first file and its own
	 * path and mode; its byte really there, so only the budget refuses it */
	size_t at = OFF_NFILES + 4 + (4 + 2 + 4 + 4 + VXN_LAUNCH_FILES_MAX) + (4 + 2 + 4 + 4);
	uint8_t *over = malloc(len + 1);
	assert_non_null(over);
	memcpy(over, buf, at);
	over[at] = 'x';
	memcpy(over + at + 1, buf + at, len - at);
	put_le32(over + at - 4, 1);
	assert_int_equal(decode_copy(over, len + 1, &out), -EPROTO);
	/* the same bytes with the first file one byte shorter: accepted */
	put_le32(over + OFF_NFILES + 4 + 4 + 2 + 4, VXN_LAUNCH_FILES_MAX - 1);
	memmove(over + OFF_NFILES + 4 + 4 + 2 + 4 + 4 + VXN_LAUNCH_FILES_MAX - 1,
		over + OFF_NFILES + 4 + 4 + 2 + 4 + 4 + VXN_LAUNCH_FILES_MAX, len + 1 - (OFF_NFILES + 4 +
		4 + 2 + 4 + 4 + VXN_LAUNCH_FILES_MAX));
	assert_int_equal(decode_copy(over, len, &out), 0);
	assert_int_equal(out.files[1].len, 1);
	vxn_launch_free(&out);
	free(over);
	free(buf);
	f[0].len = 0;
	in.nfiles = VXN_LAUNCH_FILES_LIST + 1;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	in.nfiles = 1;
	f[0].path = "etc/hosts";
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	f[0].path = "/f";
	f[0].mode = 010000;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	/* the same, patched into a good encoding */
	f[0].mode = 0644;
	buf = encode_ok(&in, &len);
	put_le32(buf + OFF_NFILES + 4 + 4 + 2, 010000);
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	put_le32(buf + OFF_NFILES + 4 + 4 + 2, 0644);
	buf[OFF_NFILES + 4 + 4] = 'x';  /* "xf": not absolute */
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
	/* a count of VXN_LAUNCH_FILES_LIST + 1, each entry really there */
	in.nfiles = VXN_LAUNCH_FILES_LIST;
	buf = encode_ok(&in, &len);
	uint8_t *more = malloc(len + 14);
	assert_non_null(more);
	memcpy(more, buf, len);
	memcpy(more + len, "\x02\x00\x00\x00/f\xa4\x01\x00\x00\x00\x00\x00\x00", 14);
	put_le32(more + OFF_NFILES, VXN_LAUNCH_FILES_LIST + 1);
	assert_int_equal(decode_copy(more, len + 14, &out), -EPROTO);
	free(more);
	free(buf);
}

static char *string_of(size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, 'x', n);
	s[n] = '\0';
	return s;
}

/* A string of MAX_STR bytes passes; one of MAX_STR+1 (really present in the
 * buffer) is refused by both sides. */
static void test_string_limit(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	char *cwd = string_of(VXN_LAUNCH_MAX_STR);
	size_t len;
	uint8_t *buf;

	in.cwd = cwd;
	buf = encode_ok(&in, &len);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_int_equal(strlen(out.cwd), VXN_LAUNCH_MAX_STR);
	vxn_launch_free(&out);

	uint8_t *big = malloc(len + 1);
	size_t cwd_end = OFF_CWD_LEN + 4 + VXN_LAUNCH_MAX_STR;
	memcpy(big, buf, cwd_end);
	big[cwd_end] = 'x';
	memcpy(big + cwd_end + 1, buf + cwd_end, len - cwd_end);
	put_le32(big + OFF_CWD_LEN, VXN_LAUNCH_MAX_STR + 1);
	assert_int_equal(decode_copy(big, len + 1, &out), -EPROTO);
	free(big);
	free(buf);
	free(cwd);

	cwd = string_of(VXN_LAUNCH_MAX_STR + 1);
	in.cwd = cwd;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	free(cwd);
}

/* MAX_LIST env entries pass; MAX_LIST+1 (really present) are refused. */
static void test_list_limit(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	char **many = calloc(VXN_LAUNCH_MAX_LIST + 1, sizeof *many);
	size_t len;

	for (uint32_t i = 0; i <= VXN_LAUNCH_MAX_LIST; i++)
		many[i] = "";
	in.env = many;
	in.nenv = VXN_LAUNCH_MAX_LIST;
	uint8_t *buf = encode_ok(&in, &len);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	assert_int_equal(out.nenv, VXN_LAUNCH_MAX_LIST);
	vxn_launch_free(&out);

	uint8_t *big = calloc(1, len + 4); /* one more "" entry: 4 zero bytes */
	size_t env_end = OFF_NENV + 4 + 4 * (size_t)VXN_LAUNCH_MAX_LIST;
	memcpy(big, buf, env_end);
	memcpy(big + env_end + 4, buf + env_end, len - env_end);
	put_le32(big + OFF_NENV, VXN_LAUNCH_MAX_LIST + 1);
	assert_int_equal(decode_copy(big, len + 4, &out), -EPROTO);
	free(big);
	free(buf);

	in.nenv = VXN_LAUNCH_MAX_LIST + 1;
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	free(many);
}

static void test_total_limit(void **state)
{
	(void)state;
	struct vxn_launch in = minimal_launch(), out;
	char *s = string_of(VXN_LAUNCH_MAX_STR);
	char *big_env[17];
	uint8_t *buf;
	size_t len;

	for (int i = 0; i < 17; i++)
		big_env[i] = s;
	in.env = big_env;
	in.nenv = 17; /* > 1 MiB in total */
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	assert_null(buf);
	free(s);

	uint8_t *huge = calloc(1, VXN_LAUNCH_MAX_BYTES + 1);
	assert_int_equal(decode_copy(huge, VXN_LAUNCH_MAX_BYTES + 1, &out), -EPROTO);
	free(huge);
}

/* Share tags name directories in the guest and libxl devices: only short
 * [a-z0-9] names, each once, at most VXN_SHARES_MAX, never the root share's;
 * refused both ways. */
static void test_bad_share_tags(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "Vxn0", "vxn/0", "..", "vxn 0",
					   "a234567890123456", VXN_ROOT_SHARE_TAG };
	struct vxn_launch in = minimal_launch(), out;
	struct vxn_share one[2] = { { "ok0" }, { "ok0" } };
	size_t len;
	uint8_t *buf;

	in.shares = one;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		one[0].tag = (char *)bad[i];
		in.nshares = 1;
		assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
		/* the same tag written by hand past the encoder's check */
		one[0].tag = "x";
		buf = encode_ok(&in, &len);
		size_t n = strlen(bad[i]);
		uint8_t *hostile = calloc(1, len - 1 + n);
		memcpy(hostile, buf, OFF_NSHARES + 8);
		put_le32(hostile + OFF_NSHARES + 4, (uint32_t)n);
		memcpy(hostile + OFF_NSHARES + 8, bad[i], n);
		memcpy(hostile + OFF_NSHARES + 8 + n, buf + OFF_NSHARES + 9, len - OFF_NSHARES - 9);
		assert_int_equal(decode_copy(hostile, len - 1 + n, &out), -EPROTO);
		free(hostile);
		free(buf);
	}
	one[0].tag = "ok0";
	in.nshares = 2; /* twice the same tag */
	assert_int_equal(vxn_launch_encode(&in, &buf, &len), -EINVAL);
	one[1].tag = "ok1";
	buf = encode_ok(&in, &len);
	assert_int_equal(decode_copy(buf, len, &out), 0);
	vxn_launch_free(&out);
	buf[OFF_NSHARES + 4 + 4 + 3 + 4 + 2] = '0'; /* "ok1" -> "ok0" */
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
	expect_patched_u32_refused(OFF_NSHARES, VXN_SHARES_MAX + 1);
}

/* A share mount's source names a path under VXN_SHARE_DIR only: "tag" or
 * "tag/entry", the tag [a-z0-9]{1,15}, the entry a file name of
 * [A-Za-z0-9._-]{1,64} not starting with '.' or '-'; anything a hostile
 * launch could use to climb out is refused. */
static void test_share_source_path(void **state)
{
	(void)state;
	char out[128];
	assert_int_equal(vxn_share_source_path("vxn0", out, sizeof out), 0);
	assert_string_equal(out, VXN_SHARE_DIR "/vxn0/" VXN_SHARE_ENTRY);
	assert_int_equal(vxn_share_source_path("root/f1", out, sizeof out), 0);
	assert_string_equal(out, VXN_SHARE_DIR "/root/f1");
	assert_int_equal(vxn_share_source_path("vxn1/resolv.conf", out, sizeof out), 0);
	assert_string_equal(out, VXN_SHARE_DIR "/vxn1/resolv.conf");
	static const char *const good[] = { "root/F0", "r/a234567890123456", "vxn2/etc",
					    "vxn3/my_data-2.d", "vxn4/_data" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(vxn_share_source_path(good[i], out, sizeof out), 0);
	static const char *const bad[] = { "", "/", "/f0", "root/", "root/..", "../x", "root/f0/x",
					   "root/.", "root/.x", "root/-x", "root/a b", "root/a:b",
					   "a234567890123456", "vxn0/a23456789012345678901234567890"
					   "12345678901234567890123456789012345",  /* 65 */
					   "root//f0", "Root/f0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(vxn_share_source_path(bad[i], out, sizeof out), -1);
	assert_int_equal(vxn_share_source_path(NULL, out, sizeof out), -1);
	assert_int_equal(vxn_share_source_path("root/f0", out, 8), -1);  /* too small */
}

/* A device the guest would make outside the root or of a kind mknod does
 * not take, a sysctl naming a path: refused by encoder and decoder alike. */
static void test_bad_devices_and_sysctls(void **state)
{
	(void)state;
	struct vxn_device bad_devices[][1] = {
		{ { "dev/relative", 'c', 1, 3, 0666, 0, 0 } },
		{ { "/dev/sock", 's', 1, 3, 0666, 0, 0 } },
		{ { "/dev/setuid", 'c', 1, 3, 010000, 0, 0 } },
		{ { NULL, 'c', 1, 3, 0666, 0, 0 } },
	};
	char *bad_sysctl[][2] = {
		{ "noequals", NULL }, { "=1", NULL }, { "net/../../etc=1", NULL },
	};
	uint8_t *buf = NULL;
	size_t len;

	for (size_t i = 0; i < sizeof bad_devices / sizeof bad_devices[0]; i++) {
		struct vxn_launch l = minimal_launch();
		l.devices = bad_devices[i];
		l.ndevices = 1;
		assert_int_equal(vxn_launch_encode(&l, &buf, &len), -EINVAL);
	}
	for (size_t i = 0; i < sizeof bad_sysctl / sizeof bad_sysctl[0]; i++) {
		struct vxn_launch l = minimal_launch();
		l.sysctl = bad_sysctl[i];
		l.nsysctl = 1;
		assert_int_equal(vxn_launch_encode(&l, &buf, &len), -EINVAL);
	}
	/* the decoder on its own: a good device's type byte turned into 's' */
	struct vxn_launch l = minimal_launch(), out;
	struct vxn_device one = { "/d", 'c', 1, 3, 0666, 0, 0 };
	l.devices = &one;
	l.ndevices = 1;
	buf = encode_ok(&l, &len);
	size_t type_at = OFF_NDEVICES + 4 + 4 + 2;  /* count, path length, "/d" */
	assert_int_equal(buf[type_at], 'c');
	buf[type_at] = 's';
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	/* and a sysctl whose key holds a slash */
	free(buf);
	char *slash[] = { "a.b=1" };
	l = minimal_launch();
	l.sysctl = slash;
	l.nsysctl = 1;
	buf = encode_ok(&l, &len);
	size_t dot_at = OFF_NSYSCTL + 4 + 4 + 1;  /* count, length, "a" */
	assert_int_equal(buf[dot_at], '.');
	buf[dot_at] = '/';
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
	/* masked and read-only paths must be absolute, both ways */
	char *relative[] = { "proc/kcore" };
	l = minimal_launch();
	l.masked_paths = relative;
	l.nmasked_paths = 1;
	assert_int_equal(vxn_launch_encode(&l, &buf, &len), -EINVAL);
	l = minimal_launch();
	l.readonly_paths = relative;
	l.nreadonly_paths = 1;
	assert_int_equal(vxn_launch_encode(&l, &buf, &len), -EINVAL);
	char *absolute[] = { "/proc/kcore" };
	l = minimal_launch();
	l.readonly_paths = absolute;
	l.nreadonly_paths = 1;
	buf = encode_ok(&l, &len);
	size_t slash_at = OFF_NREADONLY + 4 + 4;  /* count, length */
	assert_int_equal(buf[slash_at], '/');
	buf[slash_at] = 'p';
	assert_int_equal(decode_copy(buf, len, &out), -EPROTO);
	free(buf);
}

static void test_free_is_idempotent(void **state)
{
	(void)state;
	struct vxn_launch l;
	memset(&l, 0, sizeof l);
	vxn_launch_free(&l);
	vxn_launch_free(&l);
	vxn_launch_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_share_source_path),
		cmocka_unit_test(test_round_trip_minimal_layout),
		cmocka_unit_test(test_exec_process_round_trip),
		cmocka_unit_test(test_truncated_at_every_offset),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_wrong_magic_and_version),
		cmocka_unit_test(test_huge_counts_and_lengths),
		cmocka_unit_test(test_empty_args_refused),
		cmocka_unit_test(test_embedded_nul_refused),
		cmocka_unit_test(test_unterminated_string_refused),
		cmocka_unit_test(test_bad_bools_and_umask),
		cmocka_unit_test(test_security_fields),
		cmocka_unit_test(test_string_limit),
		cmocka_unit_test(test_list_limit),
		cmocka_unit_test(test_total_limit),
		cmocka_unit_test(test_bad_share_tags),
		cmocka_unit_test(test_bad_devices_and_sysctls),
		cmocka_unit_test(test_free_is_idempotent),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_files_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
