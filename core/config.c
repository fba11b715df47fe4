/* configs/vxn.conf: `key = value` lines, `#` starts a comment line, blank
 * lines are skipped. Unknown keys and malformed lines are errors (a typo in
 * a memory setting should not silently boot a default-sized guest). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "util.h"

#ifndef VXN_DATA_DIR
#define VXN_DATA_DIR "/usr/share/vxn"
#endif
#ifndef VXN_CONFIG_DEFAULT_PATH
#define VXN_CONFIG_DEFAULT_PATH "/etc/vxn/vxn.conf"
#endif

#define CONFIG_LINE_MAX 4096
#define CONFIG_MAX_MEMORY_MIB (1024u * 1024u) /* 1 TiB */
#define CONFIG_MAX_VCPUS 512u

static int set_str(char **field, const char *v, struct vxn_err *err)
{
	char *d = strdup(v);
	if (!d)
		return err_set(err, ENOMEM, "config");
	free(*field);
	*field = d;
	return 0;
}

static int config_defaults(struct vxn_config *c, struct vxn_err *err)
{
	memset(c, 0, sizeof *c);
	c->memory_mib = 64;
	c->pod_overhead_mib = 64;
	c->vcpus = 1;
	c->rootfs_share = true;
	if (set_str(&c->kernel, VXN_DATA_DIR "/vmlinux", err) < 0 ||
	    set_str(&c->initramfs, VXN_DATA_DIR "/initramfs.cpio", err) < 0 ||
	    set_str(&c->kernel_args, "console=hvc0 quiet", err) < 0 ||
	    set_str(&c->disk_format, "ext4", err) < 0 ||
	    set_str(&c->state_root, "/run/vxn", err) < 0 ||
	    set_str(&c->vdkr_subnet, CONFIG_VDKR_SUBNET, err) < 0)
		return -1;
	return 0;
}

static int parse_uint(const char *v, uint64_t max, uint64_t *out)
{
	uint64_t x;

	if (parse_decimal(v, &x) || x == 0 || x > max)
		return -1;
	*out = x;
	return 0;
}

static int set_number(struct vxn_config *c, const char *key, const char *v, const char *where,
		      struct vxn_err *err)
{
	uint64_t x;
	bool vcpus = strcmp(key, "vcpus") == 0;
	unsigned max = vcpus ? CONFIG_MAX_VCPUS : CONFIG_MAX_MEMORY_MIB;
	if (parse_uint(v, max, &x) < 0)
		return err_set(err, 0, "%s: %s: must be an integer from 1 to %u", where, key, max);
	if (vcpus)
		c->vcpus = (unsigned)x;
	else if (strcmp(key, "memory_mib") == 0)
		c->memory_mib = x;
	else
		c->pod_overhead_mib = x;
	return 0;
}

/* Counts where 0 (the default: none) is allowed, unlike the sizes above:
 * pool_size, rootdisk_cache. */
static int set_count(const char *key, const char *v, unsigned max, unsigned *out,
		     const char *where, struct vxn_err *err)
{
	uint64_t x = 0;

	if (strcmp(v, "0") != 0 && parse_uint(v, max, &x) < 0)
		return err_set(err, 0, "%s: %s: must be an integer from 0 to %u", where, key, max);
	*out = (unsigned)x;
	return 0;
}

int config_ipv4_subnet(const char *v, uint32_t *net, unsigned *prefix)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(v, '/');
	struct in_addr a;
	uint64_t n;

	if (!slash || (size_t)(slash - v) >= sizeof addr)
		return -1;
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1 || parse_decimal(slash + 1, &n) || n < 8 || n > 28)
		return -1;
	uint32_t host = ntohl(a.s_addr), mask = ~0u << (32 - n);
	if (host & ~mask)
		return -1;
	if (net)
		*net = host;
	if (prefix)
		*prefix = (unsigned)n;
	return 0;
}

int config_rootfs_kind(const char *v, bool *share)
{
	if (strcmp(v, "share") && strcmp(v, "disk"))
		return -1;
	*share = strcmp(v, "share") == 0;
	return 0;
}

static int set_key(struct vxn_config *c, const char *key, const char *v, const char *where,
		   struct vxn_err *err)
{
	if (strcmp(key, "memory_mib") == 0 || strcmp(key, "vcpus") == 0 ||
	    strcmp(key, "pod_overhead_mib") == 0)
		return set_number(c, key, v, where, err);
	if (strcmp(key, "pool_size") == 0)
		return set_count(key, v, CONFIG_MAX_POOL_SIZE, &c->pool_size, where, err);
	if (strcmp(key, "rootdisk_cache") == 0)
		return set_count(key, v, CONFIG_MAX_ROOTDISK_CACHE, &c->rootdisk_cache, where, err);
	if (strcmp(key, "rootfs") == 0)
		return config_rootfs_kind(v, &c->rootfs_share) < 0
		       ? err_set(err, 0, "%s: rootfs: must be share or disk", where) : 0;
	if (strcmp(key, "disk_format") == 0 && strcmp(v, "ext4") && strcmp(v, "erofs"))
		return err_set(err, 0, "%s: disk_format: must be ext4 or erofs", where);
	if (strcmp(key, "vdkr_subnet") == 0 && config_ipv4_subnet(v, NULL, NULL) < 0)
		return err_set(err, 0, "%s: vdkr_subnet: must be an IPv4 network A.B.C.D/N, "
			       "N from 8 to 28, with no host bits", where);
	char **field = strcmp(key, "kernel") == 0        ? &c->kernel
		       : strcmp(key, "initramfs") == 0   ? &c->initramfs
		       : strcmp(key, "kernel_args") == 0 ? &c->kernel_args
		       : strcmp(key, "disk_format") == 0 ? &c->disk_format
		       : strcmp(key, "state_root") == 0  ? &c->state_root
		       : strcmp(key, "vdkr_subnet") == 0 ? &c->vdkr_subnet
							 : NULL;
	if (!field)
		return err_set(err, 0, "%s: unknown key '%.64s'", where, key);
	bool is_path = field == &c->kernel || field == &c->initramfs || field == &c->state_root;
	if (is_path && v[0] != '/')
		return err_set(err, 0, "%s: %s: must be an absolute path", where, key);
	return set_str(field, v, err);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int parse_line(struct vxn_config *c, char *line, const char *where, struct vxn_err *err)
{
	char *s = trim(line);
	if (*s == '\0' || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return err_set(err, 0, "%s: expected 'key = value'", where);
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	if (!*key || !*value)
		return err_set(err, 0, "%s: expected 'key = value'", where);
	return set_key(c, key, value, where, err);
}

static int config_read(struct vxn_config *c, FILE *f, const char *path, struct vxn_err *err)
{
	char line[CONFIG_LINE_MAX];
	unsigned lineno = 0;
	while (fgets(line, sizeof line, f)) {
		char where[4200];
		lineno++;
		snprintf(where, sizeof where, "%s:%u", path, lineno);
		if (!strchr(line, '\n') && !feof(f))
			return err_set(err, 0, "%s: line too long", where);
		if (parse_line(c, line, where, err) < 0)
			return -1;
	}
	if (ferror(f))
		return err_set(err, EIO, "%s", path);
	return 0;
}

static int config_open_read(const char *path, struct vxn_config *c, struct vxn_err *err)
{
	bool is_default = false;
	if (!path || !*path)
		path = getenv("VXN_CONFIG");
	if (!path || !*path) {
		path = VXN_CONFIG_DEFAULT_PATH;
		is_default = true;
	}
	cleanup_fclose FILE *f = fopen(path, "re");
	if (!f) {
		if (is_default && errno == ENOENT)
			return 0;
		return err_set(err, errno, "%s", path);
	}
	return config_read(c, f, path, err);
}

int config_load(const char *path, struct vxn_config *c, struct vxn_err *err)
{
	if (config_defaults(c, err) < 0 || config_open_read(path, c, err) < 0) {
		config_free(c);
		return -1;
	}
	return 0;
}

void config_free(struct vxn_config *c)
{
	if (!c)
		return;
	free(c->kernel);
	free(c->initramfs);
	free(c->kernel_args);
	free(c->disk_format);
	free(c->state_root);
	free(c->vdkr_subnet);
	memset(c, 0, sizeof *c);
}
