#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps.h"

/* "Key:   1234 kB" from /proc/meminfo text; 0 when absent */
static uint64_t meminfo_kib(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return strtoull(p + klen + 1, NULL, 10);
	return 0;
}

/* Online CPUs are the "cpuN" lines of /proc/stat (the first line is the sum). */
static uint32_t cpus_online(void)
{
	char line[256];
	uint32_t n = 0;
	FILE *f = fopen("/proc/stat", "re");

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9')
			n++;
	if (f)
		fclose(f);
	return n ? n : 1;
}

static uint64_t at_most(uint64_t v, uint64_t max)
{
	return v < max ? v : max;
}

int guest_stats_read(struct vxn_guest_stats *s)
{
	char text[4096];

	memset(s, 0, sizeof *s);
	if (proc_read_small("/proc/meminfo", text, sizeof text) <= 0)
		return -1;
	s->mem_total_kib = meminfo_kib(text, "MemTotal");
	if (s->mem_total_kib == 0)
		return -1;
	s->mem_free_kib = at_most(meminfo_kib(text, "MemFree"), s->mem_total_kib);
	s->mem_available_kib = at_most(meminfo_kib(text, "MemAvailable"), s->mem_total_kib);
	s->processes = (uint32_t)at_most(ps_count(), VXN_GUEST_PROCS_MAX);
	s->cpus_online = (uint32_t)at_most(cpus_online(), VXN_GUEST_CPUS_MAX);
	return 0;
}
