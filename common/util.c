/* IDs and signal names: validated before any path or message is built from them. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static bool id_char_ok(char c, bool first)
{
	if (isascii((unsigned char)c) && isalnum((unsigned char)c))
		return true;
	return !first && (c == '_' || c == '+' || c == '.' || c == '-');
}

/* runc's rule: ^[\w+-\.]+$ minus leading punctuation; the first character being
 * alphanumeric already rules out ".", ".." and hidden names. */
int id_validate(const char *id, struct vxn_err *err)
{
	if (!id || !*id)
		return err_set(err, 0, "invalid container ID: must not be empty");
	size_t len = strnlen(id, ID_MAX + 1);
	if (len > ID_MAX)
		return err_set(err, 0, "invalid container ID: longer than %d characters", ID_MAX);
	for (size_t i = 0; i < len; i++) {
		if (!id_char_ok(id[i], i == 0))
			return err_set(err, 0, "invalid container ID '%.64s': %s", id,
				       i == 0 ? "must start with a letter or digit"
					      : "only letters, digits and _ + . - are allowed");
	}
	return 0;
}

static const struct {
	const char *name;
	int signo;
} signal_names[] = {
	{ "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
	{ "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
	{ "FPE", SIGFPE },     { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CLD", SIGCHLD },    { "CONT", SIGCONT },
	{ "STOP", SIGSTOP },   { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },
	{ "URG", SIGURG },     { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF },   { "WINCH", SIGWINCH },   { "IO", SIGIO },       { "POLL", SIGPOLL },
	{ "PWR", SIGPWR },     { "SYS", SIGSYS },
};

static int signal_number(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 64)
		return -1;
	return (int)v;
}

int signal_parse(const char *s, struct vxn_err *err)
{
	if (!s || !*s)
		return err_set(err, 0, "invalid signal: empty");
	if (isdigit((unsigned char)s[0])) {
		int v = signal_number(s);
		if (v < 0)
			return err_set(err, 0, "invalid signal '%.32s': numbers must be 1..64", s);
		return v;
	}
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
		if (strcasecmp(name, signal_names[i].name) == 0)
			return signal_names[i].signo;
	return err_set(err, 0, "invalid signal '%.32s'", s);
}

static const struct {
	const char *name;
	int type;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int rlimit_parse(const char *name)
{
	for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
		if (strcmp(name, rlimit_names[i].name) == 0)
			return rlimit_names[i].type;
	return -1;
}

const char *rlimit_name(int type)
{
	for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
		if (rlimit_names[i].type == type)
			return rlimit_names[i].name;
	return NULL;
}

int parse_decimal(const char *v, uint64_t *out)
{
	char *end;

	if (!v || v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end)
		return -1;
	*out = x;
	return 0;
}

uint64_t fnv1a64(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

void rfc3339_nano(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if ((size_t)snprintf(buf, len, "%s.%09ldZ", base, ts->tv_nsec) >= len && len)
		buf[0] = '\0';
}

void domain_name_for(const char *id, char out[DOMAIN_NAME_MAX])
{
	size_t n = strlen(id);

	if (n <= DOMAIN_ID_PLAIN_MAX)
		snprintf(out, DOMAIN_NAME_MAX, "vxn-%s", id);
	else
		snprintf(out, DOMAIN_NAME_MAX, "vxn-%.*s-%016llx", (int)DOMAIN_ID_KEPT, id,
			 (unsigned long long)fnv1a64(id, n));
}
