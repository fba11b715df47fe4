#include "ps.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mounts.h"
#include "vxn-proto.h"

#define USER_MAX 32

ssize_t proc_read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static bool user_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > USER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* The name of uid in the container's /etc/passwd, else the number. */
static void user_of(unsigned uid, char out[USER_MAX + 1])
{
	char line[512];
	FILE *f = fopen(GUEST_ROOT "/etc/passwd", "re");

	snprintf(out, USER_MAX + 1, "%u", uid);
	while (f && fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strtoul(c2 + 1, NULL, 10) != uid || !isdigit((unsigned char)c2[1]))
			continue;
		if (user_name_ok(line, (size_t)(c1 - line)))
			snprintf(out, USER_MAX + 1, "%.*s", (int)(c1 - line), line);
		break;
	}
	if (f)
		fclose(f);
}

static bool real_uid(const char *pid, unsigned *uid)
{
	char path[300], buf[2048];

	snprintf(path, sizeof path, "/proc/%s/status", pid);
	if (proc_read_small(path, buf, sizeof buf) <= 0)
		return false;
	char *u = strstr(buf, "\nUid:");
	return u && sscanf(u + 5, "%u", uid) == 1;
}

/* argv joined by spaces, unprintable bytes as '?'; false for kernel threads
 * (and zombies), whose cmdline is empty. */
static bool command_of(const char *pid, char out[VXN_PS_CMD_MAX + 1])
{
	char path[300];

	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	ssize_t n = proc_read_small(path, out, VXN_PS_CMD_MAX + 1);
	if (n <= 0)
		return false;
	while (n > 0 && out[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
		else if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			out[i] = '?';
	out[n] = '\0';
	return n > 0;
}

static bool is_pid(const char *name)
{
	size_t n = strspn(name, "0123456789");
	return n > 0 && n <= 10 && name[n] == '\0' && strcmp(name, "1") != 0;
}

/* The next process of the container under /proc (not init, not kernel
 * threads), its command in cmd; NULL at the end. */
static const char *next_process(DIR *d, char cmd[VXN_PS_CMD_MAX + 1])
{
	struct dirent *de;

	while ((de = readdir(d))) {
		/* getpid(): a test run of init that is not PID 1 */
		if (is_pid(de->d_name) && de->d_name[0] != '0' &&
		    getpid() != atoi(de->d_name) && command_of(de->d_name, cmd))
			return de->d_name;
	}
	return NULL;
}

size_t ps_text(char *out, size_t cap)
{
	DIR *d = opendir("/proc");
	const char *pid;
	char cmd[VXN_PS_CMD_MAX + 1];
	size_t len = 0;

	while (d && (pid = next_process(d, cmd))) {
		char user[USER_MAX + 1], line[VXN_PS_CMD_MAX + 64];
		unsigned uid;

		if (!real_uid(pid, &uid))
			continue;
		user_of(uid, user);
		int n = snprintf(line, sizeof line, "%s %s %s\n", pid, user, cmd);
		if (n < 0 || (size_t)n >= cap - len)
			break;
		memcpy(out + len, line, (size_t)n);
		len += (size_t)n;
	}
	if (d)
		closedir(d);
	return len;
}

unsigned ps_count(void)
{
	DIR *d = opendir("/proc");
	char cmd[VXN_PS_CMD_MAX + 1];
	unsigned n = 0;

	while (d && next_process(d, cmd))
		n++;
	if (d)
		closedir(d);
	return n;
}
