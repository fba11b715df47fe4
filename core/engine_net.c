/* Docker's networks and a Xen guest.
 *
 * Docker adds the prestart hook `libnetwork-setkey` to every spec that has a
 * new network namespace: --network=none and bridge or user-defined networks
 * alike (--network=host has neither). Inside that call dockerd moves a veth
 * into the namespace of the pid in the state JSON, vxn's monitor, and vxn
 * hands that veth to the guest (netwire.c). What the guest cannot have:
 * another container's namespace (--network=container:X: that one's veth is
 * its guest's already) is refused. Docker's embedded DNS on user-defined
 * networks (127.0.0.11 inside the namespace) reaches the guest through
 * guest-init and the monitor (guest-init/dns.h). The mode is not in
 * config.json; it is in hostconfig.json, which Docker writes at `docker
 * create` into the directory whose hosts file it binds to /etc/hosts. */
#include "engine_net.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"
#include "log.h"

#define HOSTCONFIG_MAX (1u << 20)

/* DIR of Docker's DIR/hosts bound to /etc/hosts, into out; false if none. */
static bool docker_container_dir(const struct vxn_spec *s, char *out, size_t len)
{
	for (size_t i = 0; i < s->nmounts; i++) {
		const struct vxn_spec_mount *m = &s->mounts[i];
		if (strcmp(m->destination, "/etc/hosts") != 0 || !m->source || m->source[0] != '/')
			continue;
		const char *slash = strrchr(m->source, '/');
		size_t n = (size_t)(slash - m->source);
		if (n == 0 || n >= len)
			return false;
		memcpy(out, m->source, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

/* The file, NUL-terminated, or NULL (absent, unreadable, too large). */
static char *read_small_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	bool bad = !buf || ferror(f) || n > max;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* hostconfig.json's NetworkMode (malloc'd), or NULL when it cannot be told. */
static char *docker_network_mode(const char *dir)
{
	char path[PATH_MAX];
	struct vxn_err e;
	size_t len;
	char *mode = NULL;

	if ((size_t)snprintf(path, sizeof path, "%s/hostconfig.json", dir) >= sizeof path)
		return NULL;
	char *json = read_small_file(path, HOSTCONFIG_MAX, &len);
	if (!json) {
		log_debug("%s: %s: network mode unknown", path, strerror(errno));
		return NULL;
	}
	yajl_val doc = jv_parse(json, len, HOSTCONFIG_MAX, "hostconfig.json", &e);
	free(json);
	if (!doc || jv_string(jv_get(doc, "NetworkMode"), "NetworkMode", &mode, &e) < 0)
		log_debug("%s: %s", path, e.msg);
	yajl_tree_free(doc);
	return mode;
}

int engine_net_check(const struct vxn_spec *s, struct vxn_err *err)
{
	char dir[PATH_MAX];
	int r = 0;

	if (!s->docker_setkey_hook || !docker_container_dir(s, dir, sizeof dir))
		return 0;
	char *mode = docker_network_mode(dir);
	if (!mode)
		return 0;
	if (strncmp(mode, "container:", 10) == 0)
		r = err_set(err, 0, "docker network mode 'container:': a vxn container is a Xen "
			    "guest with its own network stack, which cannot share another "
			    "container's; use a network both containers join");
	free(mode);
	return r;
}
