/* vxn events [--stats] [--interval D] ID: runc's JSON lines
 *   {"type":"stats","id":ID,"data":{"cpu":...,"memory":...,"xen":...}}
 * once with --stats, else every interval until the container stops. The
 * numbers are Xen's view of the guest (libxl dominfo): CPU time of all its
 * vcpus, memory it holds now and its ceiling; for a running guest also its
 * own view, asked of guest-init: "pids" as runc has it and "guest" (memory
 * as the guest kernel counts it, processes, online CPUs). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vxn-proto.h"
#include "cli.h"
#include "jsonv.h"
#include "log.h"

/* runc's pids.current, and the guest kernel's own figures */
static void guest_json(yajl_gen g, const struct vxn_guest_stats *gs)
{
	jg_key(g, "pids");
	yajl_gen_map_open(g);
	jg_ku64(g, "current", gs->processes);
	yajl_gen_map_close(g);
	jg_key(g, "guest");
	yajl_gen_map_open(g);
	jg_ku64(g, "memory_total_kib", gs->mem_total_kib);
	jg_ku64(g, "memory_free_kib", gs->mem_free_kib);
	jg_ku64(g, "memory_available_kib", gs->mem_available_kib);
	jg_ku64(g, "processes", gs->processes);
	jg_ku64(g, "cpus_online", gs->cpus_online);
	yajl_gen_map_close(g);
}

static char *stats_json(const char *id, const struct vxn_stats *s,
			const struct vxn_guest_stats *gs)
{
	yajl_gen g = jg_new(false);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	jg_kstr(g, "type", "stats");
	jg_kstr(g, "id", id);
	jg_key(g, "data");
	yajl_gen_map_open(g);
	jg_key(g, "cpu");
	yajl_gen_map_open(g);
	jg_key(g, "usage");
	yajl_gen_map_open(g);
	jg_ku64(g, "total", s->cpu_time_ns);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	jg_key(g, "memory");
	yajl_gen_map_open(g);
	jg_key(g, "usage");
	yajl_gen_map_open(g);
	jg_ku64(g, "usage", s->memory_kib * 1024);
	jg_ku64(g, "limit", s->memory_max_kib * 1024);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	jg_key(g, "xen");
	yajl_gen_map_open(g);
	jg_kint(g, "domid", s->domid);
	jg_kstr(g, "status", status_name(s->status));
	jg_ku64(g, "cpu_time_ns", s->cpu_time_ns);
	jg_ku64(g, "memory_kib", s->memory_kib);
	jg_ku64(g, "memory_max_kib", s->memory_max_kib);
	jg_kint(g, "vcpus_online", s->vcpus_online);
	jg_kint(g, "vcpus_max", s->vcpus_max);
	yajl_gen_map_close(g);
	if (gs)
		guest_json(g, gs);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return jg_finish(g);
}

static int print_stats(const struct vxn_globals *g, const char *id, struct vxn_err *err)
{
	struct vxn_stats s;
	struct vxn_guest_stats gs;
	struct vxn_err gerr;
	bool have_guest = false;

	if (container_stats(g, id, &s, err))
		return -1;
	/* a paused or not yet started guest cannot answer */
	if (s.status == VXN_STATUS_RUNNING) {
		have_guest = container_guest_stats(g, id, &gs, &gerr) == 0;
		if (!have_guest)
			log_debug("events: no guest view: %s", gerr.msg);
	}
	char *json = stats_json(id, &s, have_guest ? &gs : NULL);
	if (!json)
		return err_set(err, ENOMEM, "events");
	fputs(json, stdout);
	if (json[0] && json[strlen(json) - 1] != '\n')
		putchar('\n');
	free(json);
	return fflush(stdout) ? err_set(err, errno, "events: stdout") : 0;
}

/* D as runc takes it: a number with s or ms (default seconds). */
static int parse_interval(const char *v, struct timespec *ts)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || d <= 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		d /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	ts->tv_sec = (time_t)d;
	ts->tv_nsec = (long)((d - (double)ts->tv_sec) * 1e9);
	return 0;
}

int cmd_events(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ 0 },
	};
	struct timespec interval = { 5, 0 };
	bool once = false;
	const char *id;
	int c, r;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's')
			once = true;
		else if (c == 'i' && parse_interval(optarg, &interval) == 0)
			continue;
		else if (c == 'i')
			return cli_usage(err, "events: --interval: a duration such as 5s or 500ms");
		else
			return cli_bad_flag(argc, argv, err);
	}
	if ((r = cli_one_id(argc, argv, &id, err)) < 0)
		return r;
	if (once)
		return print_stats(g, id, err) ? CLI_ERR : 0;
	if (print_stats(g, id, err))
		return CLI_ERR;
	for (;;) {
		nanosleep(&interval, NULL);
		if (print_stats(g, id, err))
			/* the container stopped: the stream ends like runc's */
			return strcmp(err->msg, "container not running") ? CLI_ERR : 0;
	}
}
