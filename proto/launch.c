/* The launch data: the host encodes it, guest-init decodes it.
 *
 * Wire format (version 7), all integers little-endian:
 *   "VXNL" u32 version
 *   list args (non-empty) of str        list env of str
 *   str cwd   u32 uid   u32 gid         list gids of u32
 *   i32 umask (-1 or 0..0777)           str hostname
 *   list rlimits of { u32 type, u64 soft, u64 hard }
 *   u8 terminal (0/1)  u16 rows  u16 cols
 *   list mounts of { str destination, str type, str source, u64 flags, str data }
 *   list shares of { str tag }
 *   str root_fstype    u8 root_readonly (0/1)    u8 pid_namespace (0/1)
 *   u64 bounding, effective, permitted, inheritable, ambient (capabilities)
 *   u8 no_new_privileges (0/1)
 *   u8 oom_score_adj_set (0/1)  i32 oom_score_adj (-1000..1000, 0 when not set)
 *   u8 net_wait (0/1)
 *   list devices of { str path, u8 type, u32 major, u32 minor, u32 mode,
 *                     u32 uid, u32 gid }
 *   list sysctl of str ("key=value")
 *   list masked_paths of str    list readonly_paths of str (absolute)
 *   u64 memory_max   u64 cpu_quota_us   u64 cpu_period_us
 *   list files of { str path (absolute), u32 mode (0..07777), bytes data }
 * where str is u32 length + bytes (no NUL), bytes is u32 length + bytes
 * (any) and list is u32 count + items.
 *
 * The decoder is strict because the blob crosses the trust boundary in the
 * direction host -> guest and is also parsed by tests on hostile input: no
 * trailing bytes, no embedded NULs, bounded counts checked against the bytes
 * left before anything is allocated. Decoded args and env carry a NULL
 * terminator after their last element so they can go straight to execve. */
#include "vxn-proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Smallest encoded size of one list item: used to reject counts that the
 * remaining bytes cannot possibly hold, before allocating for them. */
#define STR_MIN_BYTES 4u
#define RLIMIT_BYTES 20u
#define MOUNT_MIN_BYTES (4u * STR_MIN_BYTES + 8u)
#define DEVICE_MIN_BYTES (STR_MIN_BYTES + 1u + 5u * 4u)
#define FILE_MIN_BYTES (STR_MIN_BYTES + 4u + 4u)

/* ------------------------------------------------------------------ writing */

/* A writer that only counts when buf is NULL, so size and bytes come from the
 * same code path. */
struct writer {
	uint8_t *buf;
	size_t pos;
};

static void put_bytes(struct writer *w, const void *p, size_t n)
{
	if (w->buf && n)
		memcpy(w->buf + w->pos, p, n);
	w->pos += n;
}

static void put_u8(struct writer *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

static void put_u16(struct writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	put_bytes(w, b, sizeof b);
}

static void put_u32(struct writer *w, uint32_t v)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put_bytes(w, b, sizeof b);
}

static void put_u64(struct writer *w, uint64_t v)
{
	put_u32(w, (uint32_t)v);
	put_u32(w, (uint32_t)(v >> 32));
}

static void put_str(struct writer *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u32(w, (uint32_t)n);
	put_bytes(w, s, n);
}

static void put_str_list(struct writer *w, char *const *v, uint32_t n)
{
	put_u32(w, n);
	for (uint32_t i = 0; i < n; i++)
		put_str(w, v[i]);
}

static void put_launch(struct writer *w, const struct vxn_launch *l)
{
	put_bytes(w, VXN_LAUNCH_MAGIC, 4);
	put_u32(w, VXN_LAUNCH_VERSION);
	put_str_list(w, l->args, l->nargs);
	put_str_list(w, l->env, l->nenv);
	put_str(w, l->cwd);
	put_u32(w, l->uid);
	put_u32(w, l->gid);
	put_u32(w, l->ngids);
	for (uint32_t i = 0; i < l->ngids; i++)
		put_u32(w, l->gids[i]);
	put_u32(w, (uint32_t)l->umask);
	put_str(w, l->hostname);
	put_u32(w, l->nrlimits);
	for (uint32_t i = 0; i < l->nrlimits; i++) {
		put_u32(w, l->rlimits[i].type);
		put_u64(w, l->rlimits[i].soft);
		put_u64(w, l->rlimits[i].hard);
	}
	put_u8(w, l->terminal ? 1 : 0);
	put_u16(w, l->rows);
	put_u16(w, l->cols);
	put_u32(w, l->nmounts);
	for (uint32_t i = 0; i < l->nmounts; i++) {
		const struct vxn_mount *m = &l->mounts[i];
		put_str(w, m->destination);
		put_str(w, m->type);
		put_str(w, m->source);
		put_u64(w, m->flags);
		put_str(w, m->data);
	}
	put_u32(w, l->nshares);
	for (uint32_t i = 0; i < l->nshares; i++)
		put_str(w, l->shares[i].tag);
	put_str(w, l->root_fstype);
	put_u8(w, l->root_readonly ? 1 : 0);
	put_u8(w, l->pid_namespace ? 1 : 0);
	put_u64(w, l->caps.bounding);
	put_u64(w, l->caps.effective);
	put_u64(w, l->caps.permitted);
	put_u64(w, l->caps.inheritable);
	put_u64(w, l->caps.ambient);
	put_u8(w, l->no_new_privileges ? 1 : 0);
	put_u8(w, l->oom_score_adj_set ? 1 : 0);
	put_u32(w, (uint32_t)l->oom_score_adj);
	put_u8(w, l->net_wait ? 1 : 0);
	put_u32(w, l->ndevices);
	for (uint32_t i = 0; i < l->ndevices; i++) {
		const struct vxn_device *d = &l->devices[i];
		put_str(w, d->path);
		put_u8(w, d->type);
		put_u32(w, d->major);
		put_u32(w, d->minor);
		put_u32(w, d->mode);
		put_u32(w, d->uid);
		put_u32(w, d->gid);
	}
	put_str_list(w, l->sysctl, l->nsysctl);
	put_str_list(w, l->masked_paths, l->nmasked_paths);
	put_str_list(w, l->readonly_paths, l->nreadonly_paths);
	put_u64(w, l->memory_max);
	put_u64(w, l->cpu_quota_us);
	put_u64(w, l->cpu_period_us);
	put_u32(w, l->nfiles);
	for (uint32_t i = 0; i < l->nfiles; i++) {
		put_str(w, l->files[i].path);
		put_u32(w, l->files[i].mode);
		put_u32(w, l->files[i].len);
		put_bytes(w, l->files[i].data, l->files[i].len);
	}
}

static bool str_ok(const char *s)
{
	return !s || strlen(s) <= VXN_LAUNCH_MAX_STR;
}

static bool str_list_ok(char *const *v, uint32_t n)
{
	if (n > VXN_LAUNCH_MAX_LIST || (n && !v))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!v[i] || !str_ok(v[i]))
			return false;
	return true;
}

static bool mounts_ok(const struct vxn_mount *m, uint32_t n)
{
	if (n > VXN_LAUNCH_MAX_LIST || (n && !m))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!str_ok(m[i].destination) || !str_ok(m[i].type) ||
		    !str_ok(m[i].source) || !str_ok(m[i].data))
			return false;
	return true;
}

/* No value without its flag, so that one launch has one encoding. */
static bool devices_ok(const struct vxn_device *v, uint32_t n)
{
	if (n > VXN_LAUNCH_MAX_LIST || (n && !v))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!v[i].path || !str_ok(v[i].path) || v[i].path[0] != '/' || v[i].mode > 07777 ||
		    (v[i].type != 'c' && v[i].type != 'b' && v[i].type != 'p'))
			return false;
	return true;
}

/* key=value, the key non-empty and free of '/': it names a file under
 * /proc/sys once its dots are slashes, so it cannot climb out of it. */
static bool sysctl_ok(char *const *v, uint32_t n)
{
	if (!str_list_ok(v, n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');
		if (!eq || eq == v[i] || memchr(v[i], '/', (size_t)(eq - v[i])))
			return false;
	}
	return true;
}

static bool abs_paths_ok(char *const *v, uint32_t n)
{
	if (!str_list_ok(v, n))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (v[i][0] != '/')
			return false;
	return true;
}

/* Few, small, at absolute paths: guest-init writes each into the root. */
static bool files_ok(const struct vxn_file *v, uint32_t n)
{
	size_t total = 0;

	if (n > VXN_LAUNCH_FILES_LIST || (n && !v))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!v[i].path || !str_ok(v[i].path) || v[i].path[0] != '/' ||
		    v[i].mode > 07777 || (v[i].len && !v[i].data))
			return false;
		total += v[i].len;
		if (total > VXN_LAUNCH_FILES_MAX)
			return false;
	}
	return true;
}

static bool limits_ok(const struct vxn_launch *l)
{
	if (l->cpu_quota_us == 0)
		return l->cpu_period_us == 0;
	/* below u32: quota and period print as cpu.max's decimal numbers */
	return l->cpu_period_us >= VXN_CPU_PERIOD_MIN && l->cpu_period_us <= VXN_CPU_PERIOD_MAX &&
	       l->cpu_quota_us >= VXN_CPU_QUOTA_MIN && l->cpu_quota_us <= UINT32_MAX;
}

static bool security_ok(const struct vxn_launch *l)
{
	if (!l->oom_score_adj_set && l->oom_score_adj != 0)
		return false;
	return l->oom_score_adj >= VXN_OOM_SCORE_ADJ_MIN &&
	       l->oom_score_adj <= VXN_OOM_SCORE_ADJ_MAX;
}

bool vxn_share_tag_ok(const char *tag)
{
	size_t n = tag ? strlen(tag) : 0;

	if (n == 0 || n > VXN_SHARE_TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((tag[i] >= 'a' && tag[i] <= 'z') || (tag[i] >= '0' && tag[i] <= '9')))
			return false;
	return true;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool vxn_share_entry_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > VXN_SHARE_ENTRY_MAX || !(alnum(name[0]) || name[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!alnum(name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

int vxn_share_source_path(const char *source, char *out, size_t cap)
{
	char tag[VXN_SHARE_TAG_MAX + 1];
	const char *slash = source ? strchr(source, '/') : NULL;
	const char *entry = slash ? slash + 1 : VXN_SHARE_ENTRY;
	size_t n = slash ? (size_t)(slash - source) : (source ? strlen(source) : 0);

	if (!source || n == 0 || n > VXN_SHARE_TAG_MAX)
		return -1;
	memcpy(tag, source, n);
	tag[n] = '\0';
	if (!vxn_share_tag_ok(tag) || !vxn_share_entry_ok(entry))
		return -1;
	int w = snprintf(out, cap, VXN_SHARE_DIR "/%s/%s", tag, entry);
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

/* Every tag valid, none twice and none the root's: guest-init mounts one
 * directory per tag. */
static bool shares_ok(const struct vxn_share *v, uint32_t n)
{
	if (n > VXN_SHARES_MAX || (n && !v))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!vxn_share_tag_ok(v[i].tag) || strcmp(v[i].tag, VXN_ROOT_SHARE_TAG) == 0)
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(v[i].tag, v[j].tag) == 0)
				return false;
	}
	return true;
}

/* Refuse at encode time what the decoder would refuse, so a bad spec fails
 * on the host with a clear error instead of in the guest. */
static bool launch_ok(const struct vxn_launch *l)
{
	if (l->nargs == 0 || !str_list_ok(l->args, l->nargs) ||
	    !str_list_ok(l->env, l->nenv))
		return false;
	if (l->ngids > VXN_LAUNCH_MAX_LIST || (l->ngids && !l->gids))
		return false;
	if (l->nrlimits > VXN_LAUNCH_MAX_LIST || (l->nrlimits && !l->rlimits))
		return false;
	if (l->umask < -1 || l->umask > 0777)
		return false;
	if (!security_ok(l) || !limits_ok(l))
		return false;
	return str_ok(l->cwd) && str_ok(l->hostname) && str_ok(l->root_fstype) &&
	       mounts_ok(l->mounts, l->nmounts) && shares_ok(l->shares, l->nshares) &&
	       devices_ok(l->devices, l->ndevices) && sysctl_ok(l->sysctl, l->nsysctl) &&
	       abs_paths_ok(l->masked_paths, l->nmasked_paths) &&
	       abs_paths_ok(l->readonly_paths, l->nreadonly_paths) &&
	       files_ok(l->files, l->nfiles);
}

int vxn_launch_encode(const struct vxn_launch *l, uint8_t **out, size_t *out_len)
{
	struct writer w = { 0 };

	*out = NULL;
	*out_len = 0;
	if (!launch_ok(l))
		return -EINVAL;
	put_launch(&w, l);
	if (w.pos > VXN_LAUNCH_MAX_BYTES)
		return -EINVAL;
	w.buf = malloc(w.pos);
	if (!w.buf)
		return -ENOMEM;
	*out_len = w.pos;
	w.pos = 0;
	put_launch(&w, l);
	*out = w.buf;
	return 0;
}

/* ------------------------------------------------------------------ reading */

/* A reader whose first failure sticks: later reads return zeros and the
 * caller checks err once per field group. */
struct reader {
	const uint8_t *p;
	size_t left;
	int err;
};

static const uint8_t *take(struct reader *r, size_t n)
{
	if (r->err)
		return NULL;
	if (n > r->left) {
		r->err = -EPROTO;
		return NULL;
	}
	const uint8_t *p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static uint8_t get_u8(struct reader *r)
{
	const uint8_t *p = take(r, 1);
	return p ? p[0] : 0;
}

static uint16_t get_u16(struct reader *r)
{
	const uint8_t *p = take(r, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static uint32_t get_u32(struct reader *r)
{
	const uint8_t *p = take(r, 4);
	if (!p)
		return 0;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(struct reader *r)
{
	uint64_t lo = get_u32(r);
	uint64_t hi = get_u32(r);
	return lo | hi << 32;
}

static bool get_bool(struct reader *r)
{
	uint8_t v = get_u8(r);
	if (v > 1 && !r->err)
		r->err = -EPROTO;
	return v == 1;
}

static void fail(struct reader *r, int err)
{
	if (!r->err)
		r->err = err;
}

static char *get_str(struct reader *r)
{
	uint32_t n = get_u32(r);
	if (r->err)
		return NULL;
	if (n > VXN_LAUNCH_MAX_STR) {
		fail(r, -EPROTO);
		return NULL;
	}
	const uint8_t *p = take(r, n);
	if (!p)
		return NULL;
	if (memchr(p, 0, n)) {
		fail(r, -EPROTO);
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (!s) {
		fail(r, -ENOMEM);
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Read a list count and allocate room for it (+1 zeroed slot as terminator).
 * The count is checked against the bytes left before allocating, so a hostile
 * 0xffffffff cannot make us allocate gigabytes. */
static void *get_list(struct reader *r, uint32_t *count, size_t item_size,
		      size_t item_min_bytes)
{
	uint32_t n = get_u32(r);
	*count = 0;
	if (r->err)
		return NULL;
	if (n > VXN_LAUNCH_MAX_LIST || (size_t)n * item_min_bytes > r->left) {
		fail(r, -EPROTO);
		return NULL;
	}
	void *v = calloc((size_t)n + 1, item_size);
	if (!v) {
		fail(r, -ENOMEM);
		return NULL;
	}
	*count = n;
	return v;
}

static char **get_str_list(struct reader *r, uint32_t *count)
{
	char **v = get_list(r, count, sizeof *v, STR_MIN_BYTES);
	for (uint32_t i = 0; v && i < *count && !r->err; i++)
		v[i] = get_str(r);
	return v;
}

static uint32_t *get_gids(struct reader *r, uint32_t *count)
{
	uint32_t *v = get_list(r, count, sizeof *v, 4);
	for (uint32_t i = 0; v && i < *count && !r->err; i++)
		v[i] = get_u32(r);
	return v;
}

static struct vxn_rlimit *get_rlimits(struct reader *r, uint32_t *count)
{
	struct vxn_rlimit *v = get_list(r, count, sizeof *v, RLIMIT_BYTES);
	for (uint32_t i = 0; v && i < *count && !r->err; i++) {
		v[i].type = get_u32(r);
		v[i].soft = get_u64(r);
		v[i].hard = get_u64(r);
	}
	return v;
}

static struct vxn_mount *get_mounts(struct reader *r, uint32_t *count)
{
	struct vxn_mount *v = get_list(r, count, sizeof *v, MOUNT_MIN_BYTES);
	for (uint32_t i = 0; v && i < *count && !r->err; i++) {
		v[i].destination = get_str(r);
		v[i].type = get_str(r);
		v[i].source = get_str(r);
		v[i].flags = get_u64(r);
		v[i].data = get_str(r);
	}
	return v;
}

static struct vxn_device *get_devices(struct reader *r, uint32_t *count)
{
	struct vxn_device *v = get_list(r, count, sizeof *v, DEVICE_MIN_BYTES);
	for (uint32_t i = 0; v && i < *count && !r->err; i++) {
		v[i].path = get_str(r);
		v[i].type = get_u8(r);
		v[i].major = get_u32(r);
		v[i].minor = get_u32(r);
		v[i].mode = get_u32(r);
		v[i].uid = get_u32(r);
		v[i].gid = get_u32(r);
	}
	if (!r->err && !devices_ok(v, *count))
		fail(r, -EPROTO);
	return v;
}

static struct vxn_share *get_shares(struct reader *r, uint32_t *count)
{
	struct vxn_share *v = get_list(r, count, sizeof *v, STR_MIN_BYTES);
	for (uint32_t i = 0; v && i < *count && !r->err; i++)
		v[i].tag = get_str(r);
	if (!r->err && !shares_ok(v, *count))
		fail(r, -EPROTO);
	return v;
}

/* A file's bytes, bounded by what the files may hold in all (*budget). */
static uint8_t *get_data(struct reader *r, uint32_t *len, size_t *budget)
{
	uint32_t n = get_u32(r);
	*len = 0;
	if (r->err)
		return NULL;
	if (n > *budget) {
		fail(r, -EPROTO);
		return NULL;
	}
	const uint8_t *p = take(r, n);
	uint8_t *d = p ? malloc(n ? n : 1) : NULL;
	if (p && !d)
		fail(r, -ENOMEM);
	if (!d)
		return NULL;
	memcpy(d, p, n);
	*budget -= n;
	*len = n;
	return d;
}

static struct vxn_file *get_files(struct reader *r, uint32_t *count)
{
	size_t budget = VXN_LAUNCH_FILES_MAX;
	struct vxn_file *v = get_list(r, count, sizeof *v, FILE_MIN_BYTES);
	if (v && *count > VXN_LAUNCH_FILES_LIST)
		fail(r, -EPROTO);
	for (uint32_t i = 0; v && i < *count && !r->err; i++) {
		v[i].path = get_str(r);
		v[i].mode = get_u32(r);
		v[i].data = get_data(r, &v[i].len, &budget);
	}
	if (!r->err && !files_ok(v, *count))
		fail(r, -EPROTO);
	return v;
}

static void get_header(struct reader *r)
{
	const uint8_t *magic = take(r, 4);
	if (magic && memcmp(magic, VXN_LAUNCH_MAGIC, 4) != 0)
		fail(r, -EPROTO);
	if (get_u32(r) != VXN_LAUNCH_VERSION)
		fail(r, -EPROTO);
}

static void get_security(struct reader *r, struct vxn_launch *l)
{
	l->caps.bounding = get_u64(r);
	l->caps.effective = get_u64(r);
	l->caps.permitted = get_u64(r);
	l->caps.inheritable = get_u64(r);
	l->caps.ambient = get_u64(r);
	l->no_new_privileges = get_bool(r);
	l->oom_score_adj_set = get_bool(r);
	l->oom_score_adj = (int32_t)get_u32(r);
	if (!r->err && !security_ok(l))
		fail(r, -EPROTO);
}

static void get_launch(struct reader *r, struct vxn_launch *l)
{
	get_header(r);
	l->args = get_str_list(r, &l->nargs);
	if (!r->err && l->nargs == 0)
		fail(r, -EPROTO);
	l->env = get_str_list(r, &l->nenv);
	l->cwd = get_str(r);
	l->uid = get_u32(r);
	l->gid = get_u32(r);
	l->gids = get_gids(r, &l->ngids);
	l->umask = (int32_t)get_u32(r);
	if (!r->err && (l->umask < -1 || l->umask > 0777))
		fail(r, -EPROTO);
	l->hostname = get_str(r);
	l->rlimits = get_rlimits(r, &l->nrlimits);
	l->terminal = get_bool(r);
	l->rows = get_u16(r);
	l->cols = get_u16(r);
	l->mounts = get_mounts(r, &l->nmounts);
	l->shares = get_shares(r, &l->nshares);
	l->root_fstype = get_str(r);
	l->root_readonly = get_bool(r);
	l->pid_namespace = get_bool(r);
	get_security(r, l);
	l->net_wait = get_bool(r);
	l->devices = get_devices(r, &l->ndevices);
	l->sysctl = get_str_list(r, &l->nsysctl);
	if (!r->err && !sysctl_ok(l->sysctl, l->nsysctl))
		fail(r, -EPROTO);
	l->masked_paths = get_str_list(r, &l->nmasked_paths);
	l->readonly_paths = get_str_list(r, &l->nreadonly_paths);
	if (!r->err && (!abs_paths_ok(l->masked_paths, l->nmasked_paths) ||
			!abs_paths_ok(l->readonly_paths, l->nreadonly_paths)))
		fail(r, -EPROTO);
	l->memory_max = get_u64(r);
	l->cpu_quota_us = get_u64(r);
	l->cpu_period_us = get_u64(r);
	if (!r->err && !limits_ok(l))
		fail(r, -EPROTO);
	l->files = get_files(r, &l->nfiles);
	if (!r->err && r->left != 0)
		fail(r, -EPROTO);
}

int vxn_launch_decode(const uint8_t *buf, size_t len, struct vxn_launch *l)
{
	struct reader r = { .p = buf, .left = len, .err = 0 };

	memset(l, 0, sizeof *l);
	if (!buf || len > VXN_LAUNCH_MAX_BYTES)
		return -EPROTO;
	get_launch(&r, l);
	if (r.err) {
		vxn_launch_free(l);
		return r.err;
	}
	return 0;
}

/* ------------------------------------------------------------------ freeing */

static void free_str_list(char **v, uint32_t n)
{
	if (!v)
		return;
	for (uint32_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vxn_launch_free(struct vxn_launch *l)
{
	if (!l)
		return;
	free_str_list(l->args, l->nargs);
	free_str_list(l->env, l->nenv);
	free(l->cwd);
	free(l->gids);
	free(l->hostname);
	free(l->rlimits);
	for (uint32_t i = 0; l->mounts && i < l->nmounts; i++) {
		free(l->mounts[i].destination);
		free(l->mounts[i].type);
		free(l->mounts[i].source);
		free(l->mounts[i].data);
	}
	free(l->mounts);
	for (uint32_t i = 0; l->shares && i < l->nshares; i++)
		free(l->shares[i].tag);
	free(l->shares);
	free(l->root_fstype);
	for (uint32_t i = 0; l->devices && i < l->ndevices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free_str_list(l->sysctl, l->nsysctl);
	free_str_list(l->masked_paths, l->nmasked_paths);
	free_str_list(l->readonly_paths, l->nreadonly_paths);
	for (uint32_t i = 0; l->files && i < l->nfiles; i++) {
		free(l->files[i].path);
		free(l->files[i].data);
	}
	free(l->files);
	memset(l, 0, sizeof *l);
}
