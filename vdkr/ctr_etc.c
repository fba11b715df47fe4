/* See ctr_etc.h. */
#include "ctr_etc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr.h"
#include "etcfiles.h"
#include "files.h"
#include "util.h"

#define RESOLV_CONF "/etc/resolv.conf"
/* what systemd-resolved's stub (127.0.0.53) forwards to */
#define RESOLVED_SERVERS "/run/systemd/resolve/resolv.conf"
#define HOST_RESOLV_MAX (64u * 1024u)

/* The host's resolv.conf, or NULL (none, or unreadable: docker's defaults
 * then), from behind systemd-resolved's stub as docker reads it. */
static char *host_resolv_conf(size_t *len)
{
	void *text = NULL;
	int fd = open(RESOLV_CONF, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read_bounded(fd, HOST_RESOLV_MAX, &text, len)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	if (!etc_resolv_names_stub(text, *len))
		return text;
	void *behind = NULL;
	size_t n = 0;
	fd = open(RESOLVED_SERVERS, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_bounded(fd, HOST_RESOLV_MAX, &behind, &n)) {
		if (fd >= 0)
			close(fd);
		return text;
	}
	close(fd);
	free(text);
	*len = n;
	return behind;
}

static int write_file(const char *path, const char *text, struct vxn_err *err)
{
	int fd = text ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644) : -1;

	if (!text)
		return err_set(err, ENOMEM, "%s", path);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	int r = write_all(fd, text, strlen(text)) || fchmod(fd, 0644) ? errno : 0;
	close(fd);
	return r ? err_set(err, r, "writing %s", path) : 0;
}

int ctr_etc_write(const struct vdkr_ctx *c, const char *id, const char *hostname,
		  const char *ip, const char *gateway, const struct run_opts *o, struct ctr_etc *e,
		  struct vxn_err *err)
{
	static const char *const names[CTR_ETC_FILES] = { "hosts", "hostname", "resolv.conf" };
	size_t len = 0;
	cleanup_free char *host = host_resolv_conf(&len);
	char *text[CTR_ETC_FILES] = {
		etc_hosts(hostname, ip, o->add_hosts, o->nadd_hosts, gateway),
		etc_hostname(hostname), etc_resolv_conf(host, host ? len : 0, o->dns, o->ndns) };
	int r = 0;

	if (!text[0] && (!gateway || !gateway[0]))
		for (size_t i = 0; i < o->nadd_hosts; i++)
			if (strstr(o->add_hosts[i], ":host-gateway"))
				r = err_set(err, 0, "--add-host %.64s: host-gateway is the bridge's "
					    "gateway, and this container is not on the bridge",
					    o->add_hosts[i]);

	for (size_t i = 0; i < CTR_ETC_FILES; i++) {
		if (r == 0 && ctr_path(c, id, names[i], e->source[i], sizeof e->source[i]))
			r = err_set(err, ENAMETOOLONG, "the container's %s", names[i]);
		if (r == 0)
			r = write_file(e->source[i], text[i], err);
		e->binds[i] = (struct run_volume){ .source = e->source[i], .readonly = false };
		free(text[i]);
	}
	e->binds[0].destination = "/etc/hosts";
	e->binds[1].destination = "/etc/hostname";
	e->binds[2].destination = RESOLV_CONF;
	return r;
}
