#include "monitor_handoff.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "vxn-proto.h"

int handoff_set(char *field, size_t cap, const char *src, const char *what,
		struct vxn_err *err)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= cap)
		return err_set(err, ENAMETOOLONG, "%s is longer than %zu bytes", what, cap - 1);
	memcpy(field, src ? src : "", n + 1);
	return 0;
}

int handoff_to_memfd(const struct monitor_handoff *h, const uint8_t *launch,
		     struct vxn_err *err)
{
	/* no MFD_CLOEXEC: vxn-monitor reads it after the exec */
	int fd = memfd_create("vxn-monitor-handoff", 0);

	if (fd < 0)
		return err_set(err, errno, "memfd_create");
	if (write_all(fd, h, sizeof(*h)) || (h->launch_len && write_all(fd, launch, h->launch_len)) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		int e = errno;
		close(fd);
		return err_set(err, e, "writing the monitor's handoff");
	}
	return fd;
}

static int read_exact(int fd, void *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static bool terminated(const char *field, size_t cap)
{
	return memchr(field, '\0', cap) != NULL;
}

static bool strings_terminated(const struct monitor_handoff *h)
{
	return terminated(h->magic, sizeof(h->magic)) && terminated(h->id, sizeof(h->id)) &&
	       terminated(h->domain_name, sizeof(h->domain_name)) &&
	       terminated(h->state_dir, sizeof(h->state_dir)) &&
	       terminated(h->pid_file, sizeof(h->pid_file)) &&
	       terminated(h->console_socket, sizeof(h->console_socket)) &&
	       terminated(h->log_path, sizeof(h->log_path)) &&
	       terminated(h->vxn_path, sizeof(h->vxn_path));
}

static bool fds_valid(const struct monitor_handoff *h)
{
	/* 0-2 are the container's stdio; the loop device may be absent (-1) */
	return h->ready_fd > 2 && h->lock_fd > 2 && (h->loop_fd > 2 || h->loop_fd == -1) &&
	       h->ready_fd != h->lock_fd && h->ready_fd != h->loop_fd && h->lock_fd != h->loop_fd;
}

int handoff_read(int fd, struct monitor_handoff *h, uint8_t **launch, struct vxn_err *err)
{
	*launch = NULL;
	if (read_exact(fd, h, sizeof(*h)))
		return err_set(err, EINVAL, "the monitor's handoff is short");
	if (!strings_terminated(h) || strcmp(h->magic, MONITOR_HANDOFF_MAGIC) != 0 ||
	    h->size != sizeof(*h))
		return err_set(err, EINVAL, "the monitor's handoff is not from this vxn "
			       "(vxn and vxn-monitor do not match)");
	if (!fds_valid(h) || h->launch_len > VXN_POOL_LAUNCH_MAX || !h->id[0] ||
	    !h->state_dir[0] || !h->vxn_path[0] || !h->domain_name[0])
		return err_set(err, EINVAL, "the monitor's handoff is malformed");
	if (h->launch_len == 0)
		return 0;
	*launch = malloc(h->launch_len);
	if (!*launch)
		return err_set(err, ENOMEM, "launch data");
	if (read_exact(fd, *launch, h->launch_len)) {
		free(*launch);
		*launch = NULL;
		return err_set(err, EINVAL, "the monitor's handoff is short");
	}
	return 0;
}

bool monitor_tell_create(int ready_fd, uint32_t domid, const struct vxn_err *err)
{
	struct monitor_ready r;

	memset(&r, 0, sizeof(r));
	r.ok = err == NULL;
	r.domid = domid;
	if (err)
		r.err = *err;
	if (write_all(ready_fd, &r, sizeof(r))) {
		log_warn("monitor: create went away before the ready message");
		return false;
	}
	return true;
}

const char *monitor_log_path(const char *log_path, const char *state_dir, char *buf,
			     size_t len)
{
	if (log_path && log_path[0])
		return log_path;
	if ((size_t)snprintf(buf, len, "%s/%s", state_dir, MONITOR_LOG) >= len)
		buf[0] = '\0';
	return buf;
}

int monitor_vxn_argv(const struct monitor_handoff *h, const char **argv, char *log_buf,
		     size_t log_cap)
{
	int n = 0;

	argv[n++] = "vxn";
	argv[n++] = "--log";  /* the monitor's own log */
	argv[n++] = monitor_log_path(h->log_path, h->state_dir, log_buf, log_cap);
	if (h->log_json)
		argv[n++] = "--log-format=json";
	if (h->debug)
		argv[n++] = "--debug";
	return n;
}
