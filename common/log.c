/* vxn's own diagnostics. Never stdout: under containerd and conmon fds 1/2 of
 * `create` are the container's stdio. Each line is written with one write(2)
 * on an O_APPEND descriptor so concurrent vxn calls sharing a --log file
 * (the shim's log.json) never interleave inside a line. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 8192

static int log_fd = -1;      /* -1: stderr */
static bool log_json;
static bool log_debug_on;
static const char *log_program = "vxn";

void log_set_program(const char *name)
{
	log_program = name;
}

bool log_to_file(void)
{
	return log_fd >= 0;
}

void log_setup(const char *path, bool json, bool debug)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_json = json;
	log_debug_on = debug;
	if (path && *path) {
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		/* an unwritable --log must not hide the error: fall back to stderr */
	}
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s)
{
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* JSON string body of msg into out (always NUL-terminated, truncated to fit).
 * Control characters are \u-escaped, invalid UTF-8 becomes '?'. */
static void json_escape(const char *msg, char *out, size_t cap)
{
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)msg;
	while (*s && o + 7 < cap) {
		size_t n = utf8_seq_len(s);
		if (*s == '"' || *s == '\\') {
			out[o++] = '\\';
			out[o++] = (char)*s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *s++);
		} else if (n == 0) {
			out[o++] = '?';
			s++;
		} else {
			if (o + n + 1 > cap)
				break;
			memcpy(out + o, s, n);
			o += n;
			s += n;
		}
	}
	out[o] = '\0';
}

static void now_rfc3339(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void log_write(const char *level, const char *fmt, va_list ap)
{
	int saved = errno;
	char msg[LOG_LINE_MAX / 2];
	char line[LOG_LINE_MAX];
	char ts[64];
	vsnprintf(msg, sizeof msg, fmt, ap);
	now_rfc3339(ts, sizeof ts);
	int n;
	if (log_json) {
		char esc[LOG_LINE_MAX - 128];
		json_escape(msg, esc, sizeof esc);
		n = snprintf(line, sizeof line, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     level, esc, ts);
	} else if (log_fd >= 0) {
		n = snprintf(line, sizeof line, "%s %s: %s\n", ts, level, msg);
	} else {
		n = snprintf(line, sizeof line, "%s: %s: %s\n", log_program, level, msg);
	}
	if (n < 0)
		goto out;
	if ((size_t)n >= sizeof line) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	ssize_t w = write(log_fd >= 0 ? log_fd : STDERR_FILENO, line, (size_t)n);
	(void)w;
out:
	errno = saved;
}

#define LOG_FN(name, level, cond)                         \
	void name(const char *fmt, ...)                   \
	{                                                 \
		if (!(cond))                              \
			return;                           \
		va_list ap;                               \
		va_start(ap, fmt);                        \
		log_write(level, fmt, ap);                \
		va_end(ap);                               \
	}

LOG_FN(log_error, "error", true)
LOG_FN(log_warn, "warning", true)
LOG_FN(log_info, "info", true)
LOG_FN(log_debug, "debug", log_debug_on)
