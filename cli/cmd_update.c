/* vxn update [--resources FILE|-] [--memory BYTES] [--cpus N] [--cpu-quota Q
 * --cpu-period P] ID: the guest's balloon target and online vcpus, within
 * the maximum it was created with. From LinuxResources only memory.limit
 * and cpu quota/period mean something to a guest; the rest (shares, pids,
 * blkio, which Docker always sends) is accepted and ignored. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jsonv.h"

#define RESOURCES_MAX (1u << 20)
#define DEFAULT_CPU_PERIOD 100000ull

static char *read_all(const char *path, size_t *len, struct vxn_err *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	char *buf = malloc(RESOURCES_MAX + 1);
	ssize_t n = 0;

	*len = 0;
	if (fd < 0 || !buf) {
		err_set(err, fd < 0 ? errno : ENOMEM, "--resources %s", path);
		goto fail;
	}
	while (*len < RESOURCES_MAX && (n = read(fd, buf + *len, RESOURCES_MAX - *len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, errno, "reading --resources %s", path);
			goto fail;
		}
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	if (fd > 0)
		close(fd);
	return buf;
fail:
	if (fd > 0)
		close(fd);
	free(buf);
	return NULL;
}

/* ceil(quota / period) without quota + period wrapping around, and at most
 * UINT_MAX (more than any guest's maximum, which update then names) rather
 * than cut to the low 32 bits: either way a positive quota came out as 0
 * vcpus, "nothing to change" (tests/fuzz: resources). */
static unsigned vcpus_of(int64_t quota, uint64_t period)
{
	if (quota <= 0)
		return 0;
	if (!period)
		period = DEFAULT_CPU_PERIOD;
	uint64_t n = (uint64_t)quota / period + ((uint64_t)quota % period != 0);
	return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

static int parse_resources(const char *path, struct vxn_update *u, struct vxn_err *err)
{
	size_t len;
	char *text = read_all(path, &len, err);
	int64_t limit = 0, quota = 0;
	uint64_t period = 0;
	if (!text)
		return -1;
	yajl_val doc = jv_parse(text, len, RESOURCES_MAX, "--resources", err);
	free(text);
	if (!doc)
		return -1;
	yajl_val mem = jv_get(doc, "memory"), cpu = jv_get(doc, "cpu");
	int r = jv_object(doc, "resources", err) < 0 || jv_object(mem, "memory", err) < 0 ||
		jv_object(cpu, "cpu", err) < 0 ||
		jv_i64(jv_get(mem, "limit"), "memory.limit", &limit, err) < 0 ||
		jv_i64(jv_get(cpu, "quota"), "cpu.quota", &quota, err) < 0 ||
		jv_u64(jv_get(cpu, "period"), "cpu.period", UINT64_MAX, &period, err) < 0 ? -1 : 0;
	yajl_tree_free(doc);
	if (r == 0 && limit > 0)
		u->memory_bytes = (uint64_t)limit;
	if (r == 0 && quota > 0)
		u->vcpus = vcpus_of(quota, period);
	return r;
}

/* BYTES with an optional k/m/g suffix (powers of 1024), like runc's --memory. */
static int parse_size(const char *v, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || v[0] == '-')
		return -1;
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if ((*end == 'b' || *end == 'B') && end[1] == '\0')
		end++;
	if (*end || n == 0 || n > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)n << shift;
	return 0;
}

enum { OPT_RESOURCES = 256, OPT_MEMORY, OPT_CPUS, OPT_QUOTA, OPT_PERIOD };

int cmd_update(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-quota", required_argument, NULL, OPT_QUOTA },
		{ "cpu-period", required_argument, NULL, OPT_PERIOD },
		{ 0 },
	};
	struct vxn_update u = { 0 };
	const char *resources = NULL, *id;
	long long quota = 0, period = 0;
	double cpus;
	int c, r;
	while ((c = getopt_long(argc, argv, "+r:m:", opts, NULL)) != -1) {
		switch (c) {
		case 'r': resources = optarg; break;
		case 'm':
			if (parse_size(optarg, &u.memory_bytes))
				return cli_usage(err, "update: --memory: a size in bytes (k, m, g suffixes)");
			break;
		case OPT_CPUS:
			if (sscanf(optarg, "%lf", &cpus) != 1 || cpus <= 0 || cpus > 4096)
				return cli_usage(err, "update: --cpus: a positive number");
			u.vcpus = (unsigned)cpus + (cpus > (unsigned)cpus);
			break;
		case OPT_QUOTA: quota = atoll(optarg); break;
		case OPT_PERIOD: period = atoll(optarg); break;
		default: return cli_bad_flag(argc, argv, err);
		}
	}
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	if (quota > 0)
		u.vcpus = vcpus_of(quota, period > 0 ? (uint64_t)period : 0);
	if (resources && parse_resources(resources, &u, err))
		return CLI_ERR;
	if (!u.memory_bytes && !u.vcpus)
		return 0;  /* nothing a guest can apply: like runc with no change */
	return container_update(g, id, &u, err) < 0 ? CLI_ERR : 0;
}
