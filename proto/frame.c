/* Channel frames: an 8-byte header (u8 type, u8 flags, u16 stream, u32 len)
 * followed by len payload bytes; fixed payloads for WINSIZE, SIGNAL and EXIT.
 *
 * Payload layouts, little-endian:
 *   winsize: u16 rows, u16 cols
 *   signal:  i32 signo (1..64), u8 all (0/1), 3 zero bytes
 *   exit:    u8 kind, 3 zero bytes, i32 value (code 0..255 or signal 1..64)
 *   ps reply: text lines, checked by vxn_ps_text_check
 *   guest stats: 3 x u64 + 2 x u32, little-endian, ranges checked
 *   credit:  u32 bytes (1..VXN_STREAM_WINDOW)
 *
 * Both sides decode what the other sends; the host treats the guest as
 * hostile, so every decoder checks lengths, ranges and padding exactly. */
#include "vxn-proto.h"

#include <errno.h>
#include <string.h>

#define SIGNO_MAX 64

static void le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t le16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Largest payload each frame type may carry. */
static uint32_t frame_max_len(uint8_t type)
{
	switch (type) {
	case VXN_F_STDIN_EOF:
	case VXN_F_HELLO:
	case VXN_F_EXEC_STARTED:
	case VXN_F_PS_REQUEST:
	case VXN_F_STATS_REQUEST:
	case VXN_F_LAUNCH_END:
		return 0;
	case VXN_F_STATS_REPLY:
		return VXN_GUEST_STATS_BYTES;
	case VXN_F_CREDIT:
		return VXN_CREDIT_BYTES;
	case VXN_F_WINSIZE:
		return VXN_WINSIZE_BYTES;
	case VXN_F_SIGNAL:
		return VXN_SIGNAL_BYTES;
	case VXN_F_EXIT:
		return VXN_EXIT_BYTES;
	case VXN_F_ERROR:
		return VXN_ERROR_MAX;
	case VXN_F_NET:
	case VXN_F_NET_ADD:
		return VXN_NET_MAX_BYTES;
	case VXN_F_RESOLV_CONF:
		return VXN_RESOLV_CONF_MAX;
	case VXN_F_DNS_QUERY:
	case VXN_F_DNS_REPLY:
		return VXN_DNS_MAX_BYTES;
	default:
		return VXN_FRAME_MAX_PAYLOAD;
	}
}

void vxn_frame_hdr_encode(const struct vxn_frame_hdr *h, uint8_t out[VXN_FRAME_HDR_BYTES])
{
	out[0] = h->type;
	out[1] = h->flags;
	le16_put(out + 2, h->stream);
	le32_put(out + 4, h->len);
}

size_t vxn_frame_put(uint8_t *out, size_t room, uint8_t type, uint16_t stream,
		     const void *payload, uint32_t len)
{
	struct vxn_frame_hdr h = { .type = type, .flags = 0, .stream = stream, .len = len };

	if (len > VXN_FRAME_MAX_PAYLOAD || room < VXN_FRAME_HDR_BYTES + len)
		return 0;
	vxn_frame_hdr_encode(&h, out);
	if (len)
		memcpy(out + VXN_FRAME_HDR_BYTES, payload, len);
	return VXN_FRAME_HDR_BYTES + len;
}

int vxn_frame_hdr_decode(const uint8_t buf[VXN_FRAME_HDR_BYTES], struct vxn_frame_hdr *h)
{
	struct vxn_frame_hdr v = {
		.type = buf[0],
		.flags = buf[1],
		.stream = le16_get(buf + 2),
		.len = le32_get(buf + 4),
	};

	memset(h, 0, sizeof *h);
	if (v.type < 1 || v.type > VXN_F_TYPE_MAX || v.flags != 0)
		return -EPROTO;
	if (v.len > VXN_FRAME_MAX_PAYLOAD || v.len > frame_max_len(v.type))
		return -EPROTO;
	*h = v;
	return 0;
}

size_t vxn_winsize_encode(const struct vxn_winsize *w, uint8_t out[VXN_WINSIZE_BYTES])
{
	le16_put(out, w->rows);
	le16_put(out + 2, w->cols);
	return VXN_WINSIZE_BYTES;
}

int vxn_winsize_decode(const uint8_t *p, size_t len, struct vxn_winsize *w)
{
	memset(w, 0, sizeof *w);
	if (len != VXN_WINSIZE_BYTES)
		return -EPROTO;
	w->rows = le16_get(p);
	w->cols = le16_get(p + 2);
	return 0;
}

size_t vxn_signal_encode(const struct vxn_signal *s, uint8_t out[VXN_SIGNAL_BYTES])
{
	memset(out, 0, VXN_SIGNAL_BYTES);
	le32_put(out, (uint32_t)s->signo);
	out[4] = s->all ? 1 : 0;
	return VXN_SIGNAL_BYTES;
}

int vxn_signal_decode(const uint8_t *p, size_t len, struct vxn_signal *s)
{
	memset(s, 0, sizeof *s);
	if (len != VXN_SIGNAL_BYTES)
		return -EPROTO;
	int32_t signo = (int32_t)le32_get(p);
	if (signo < 1 || signo > SIGNO_MAX || p[4] > 1 || p[5] || p[6] || p[7])
		return -EPROTO;
	s->signo = signo;
	s->all = p[4] == 1;
	return 0;
}

size_t vxn_exit_encode(const struct vxn_exit *e, uint8_t out[VXN_EXIT_BYTES])
{
	memset(out, 0, VXN_EXIT_BYTES);
	out[0] = e->kind;
	le32_put(out + 4, (uint32_t)e->value);
	return VXN_EXIT_BYTES;
}

static bool exit_valid(uint8_t kind, int32_t value)
{
	if (kind == VXN_EXIT_CODE)
		return value >= 0 && value <= 255;
	if (kind == VXN_EXIT_SIGNAL)
		return value >= 1 && value <= SIGNO_MAX;
	return false;
}

int vxn_exit_decode(const uint8_t *p, size_t len, struct vxn_exit *e)
{
	memset(e, 0, sizeof *e);
	if (len != VXN_EXIT_BYTES || p[1] || p[2] || p[3])
		return -EPROTO;
	int32_t value = (int32_t)le32_get(p + 4);
	if (!exit_valid(p[0], value))
		return -EPROTO;
	e->kind = p[0];
	e->value = value;
	return 0;
}

size_t vxn_credit_encode(uint32_t bytes, uint8_t out[VXN_CREDIT_BYTES])
{
	le32_put(out, bytes);
	return VXN_CREDIT_BYTES;
}

int vxn_credit_decode(const uint8_t *p, size_t len, uint32_t *bytes)
{
	*bytes = 0;
	if (len != VXN_CREDIT_BYTES)
		return -EPROTO;
	uint32_t v = le32_get(p);
	if (v == 0 || v > VXN_STREAM_WINDOW)
		return -EPROTO;
	*bytes = v;
	return 0;
}

uint32_t vxn_credit_add(uint32_t have, uint32_t more, uint32_t window)
{
	return have >= window || more > window - have ? window : have + more;
}

static void le64_put(uint8_t *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}

static uint64_t le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

size_t vxn_guest_stats_encode(const struct vxn_guest_stats *s,
			      uint8_t out[VXN_GUEST_STATS_BYTES])
{
	le64_put(out, s->mem_total_kib);
	le64_put(out + 8, s->mem_free_kib);
	le64_put(out + 16, s->mem_available_kib);
	le32_put(out + 24, s->processes);
	le32_put(out + 28, s->cpus_online);
	return VXN_GUEST_STATS_BYTES;
}

/* 2^40 KiB = 1 PiB: more than any guest has; keeps sums and * 1024 in range */
#define GUEST_MEM_MAX_KIB (1ull << 40)

int vxn_guest_stats_decode(const uint8_t *p, size_t len, struct vxn_guest_stats *s)
{
	struct vxn_guest_stats v;

	memset(s, 0, sizeof *s);
	if (len != VXN_GUEST_STATS_BYTES)
		return -EPROTO;
	v.mem_total_kib = le64_get(p);
	v.mem_free_kib = le64_get(p + 8);
	v.mem_available_kib = le64_get(p + 16);
	v.processes = le32_get(p + 24);
	v.cpus_online = le32_get(p + 28);
	if (v.mem_total_kib == 0 || v.mem_total_kib > GUEST_MEM_MAX_KIB ||
	    v.mem_free_kib > v.mem_total_kib || v.mem_available_kib > v.mem_total_kib ||
	    v.processes > VXN_GUEST_PROCS_MAX ||
	    v.cpus_online < 1 || v.cpus_online > VXN_GUEST_CPUS_MAX)
		return -EPROTO;
	*s = v;
	return 0;
}

/* The text ends up in host logs and terminals: nothing but printable ASCII may
 * pass, so a guest cannot inject escape sequences or fake log lines. */
int vxn_error_text_decode(const uint8_t *p, size_t len, char *out, size_t cap)
{
	if (cap == 0)
		return -EINVAL;
	out[0] = '\0';
	if (len > VXN_ERROR_MAX)
		return -EPROTO;
	size_t n = len < cap - 1 ? len : cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (p[i] >= 0x20 && p[i] <= 0x7e) ? (char)p[i] : '?';
	out[n] = '\0';
	return 0;
}

/* Length of a run of bytes accepted by ok(), at most max + 1. */
static size_t span(const uint8_t *p, size_t len, bool (*ok)(uint8_t), size_t max)
{
	size_t n = 0;

	while (n < len && n <= max && ok(p[n]))
		n++;
	return n;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_user_char(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '.' || c == '-';
}

/* One field of a ps line: n accepted bytes (1..max) then the separator. */
static int field(const uint8_t *p, size_t len, size_t *pos, bool (*ok)(uint8_t), size_t max,
		 uint8_t sep)
{
	size_t n = span(p + *pos, len - *pos, ok, max);

	if (n == 0 || n > max || *pos + n >= len || p[*pos + n] != sep)
		return -EPROTO;
	*pos += n + 1;
	return 0;
}

/* CMD is printable ASCII and so may contain spaces: it runs to the newline. */
static bool is_cmd_char(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

int vxn_ps_text_check(const uint8_t *p, size_t len)
{
	size_t pos = 0;

	if (len > VXN_FRAME_MAX_PAYLOAD)
		return -EPROTO;
	while (pos < len) {
		if (field(p, len, &pos, is_digit, 10, ' ') ||
		    field(p, len, &pos, is_user_char, 32, ' ') ||
		    field(p, len, &pos, is_cmd_char, VXN_PS_CMD_MAX, '\n'))
			return -EPROTO;
	}
	return 0;
}

int vxn_exit_status(const struct vxn_exit *e)
{
	if (!exit_valid(e->kind, e->value))
		return 255;
	return e->kind == VXN_EXIT_SIGNAL ? 128 + e->value : e->value;
}

static bool is_name_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static bool ctr_name_ok(const uint8_t *p, size_t n)
{
	if (n == 0 || n > VXN_CTR_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(p[i]))
			return false;
	return true;
}

int vxn_ctr_frame_encode(const char *name, const uint8_t *launch, size_t launch_len,
			 uint8_t *out, size_t cap)
{
	size_t n = name ? strlen(name) : 0;

	if (!ctr_name_ok((const uint8_t *)name, n) || launch_len == 0 ||
	    1 + n + launch_len > cap || 1 + n + launch_len > VXN_FRAME_MAX_PAYLOAD)
		return -1;
	out[0] = (uint8_t)n;
	memcpy(out + 1, name, n);
	memcpy(out + 1 + n, launch, launch_len);
	return (int)(1 + n + launch_len);
}

int vxn_ctr_frame_decode(const uint8_t *p, size_t len, struct vxn_ctr_frame *f)
{
	if (len < 1)
		return -1;
	size_t n = p[0];
	if (len < 1 + n + 1 || !ctr_name_ok(p + 1, n))
		return -1;
	memcpy(f->name, p + 1, n);
	f->name[n] = '\0';
	f->launch = p + 1 + n;
	f->launch_len = len - 1 - n;
	return 0;
}
