#include "runopts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int parse_memory(const char *s, uint64_t *bytes, struct vxn_err *err)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return err_set(err, 0, "invalid size: '%.32s'", s);
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return err_set(err, 0, "invalid size: '%.32s': too large", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (tolower((unsigned char)*p)) {
	case '\0': break;
	case 'b': mult = 1; break;
	case 'k': mult = 1ull << 10; break;
	case 'm': mult = 1ull << 20; break;
	case 'g': mult = 1ull << 30; break;
	case 't': mult = 1ull << 40; break;
	default: return err_set(err, 0, "invalid size: '%.32s'", s);
	}
	if (*p && *++p && !(tolower((unsigned char)*p) == 'b' && p[1] == '\0' && mult > 1))
		return err_set(err, 0, "invalid size: '%.32s'", s);
	if (v > UINT64_MAX / mult)
		return err_set(err, 0, "invalid size: '%.32s': too large", s);
	*bytes = v * mult;
	if (*bytes < 4u << 20)
		return err_set(err, 0, "minimum memory limit allowed is 4MB");
	return 0;
}

int parse_cpus(const char *s, uint64_t *quota, struct vxn_err *err)
{
	uint64_t whole = 0, frac = 0, scale = CPU_PERIOD;
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.')
		return err_set(err, 0, "invalid argument \"%.32s\" for \"--cpus\"", s);
	for (; isdigit((unsigned char)*p); p++)
		if ((whole = whole * 10 + (uint64_t)(*p - '0')) > 1024)
			return err_set(err, 0, "--cpus %.32s: more than 1024 CPUs", s);
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && scale > 100; p++) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	if (*p)
		return err_set(err, 0, "invalid argument \"%.32s\" for \"--cpus\"", s);
	*quota = whole * CPU_PERIOD + frac;
	if (*quota == 0)
		return err_set(err, 0, "--cpus must be more than 0");
	return 0;
}

/* An absolute path cleaned in place, as Go's path.Clean (docker's) does:
 * ".." at the root stays there. Only shortens. */
static void path_clean(char *p)
{
	char *w = p;
	const char *r = p;

	for (;;) {
		while (*r == '/')
			r++;
		size_t n = strcspn(r, "/");
		if (n == 0)
			break;
		if (n == 2 && r[0] == '.' && r[1] == '.')
			while (w > p && *--w != '/')
				;
		else if (!(n == 1 && r[0] == '.')) {
			*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

/* The third field: ro or rw. docker's other modes (z, Z, nocopy, the
 * propagation ones) are refused: none would do what it says here. */
static int volume_mode(const char *spec, const char *mode, bool *readonly, struct vxn_err *err)
{
	size_t given = 0;
	const char *m = mode;

	do {
		size_t n = strcspn(m, ",");
		if (n == 0)
			return err_set(err, 0, "invalid mode: '%.64s'", mode);
		if (n != 2 || (strncmp(m, "ro", 2) && strncmp(m, "rw", 2)))
			return err_set(err, 0, "-v %.200s: option '%.*s' not supported by vdkr (only "
				       "ro or rw)", spec, (int)n, m);
		*readonly = m[1] == 'o';
		given++;
		m += n;
	} while (*m++);
	return given > 1 ? err_set(err, 0, "invalid mode: '%.64s'", mode) : 0;
}

/* SRC:DST[:MODE] split and checked, nothing allocated yet. */
static int volume_fields(const char *spec, const char **dst, const char **mode,
			 struct vxn_err *err)
{
	const char *c1 = strchr(spec, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c1)
		return err_set(err, 0, "-v %.200s: anonymous volumes are not supported by vdkr (no "
			       "volume store): give SRC:DST with SRC an absolute host path", spec);
	if (c1 == spec || c1[1] == ':' || !c1[1] || (c2 && strchr(c2 + 1, ':')))
		return err_set(err, 0, "invalid volume specification: '%.200s'", spec);
	if (spec[0] != '/')
		return err_set(err, 0, "-v %.200s: named volumes are not supported by vdkr (no "
			       "volume store): SRC must be an absolute host path", spec);
	if (c1[1] != '/')
		return err_set(err, 0, "invalid volume specification: '%.200s': invalid mount "
			       "path: '%.*s' mount path must be absolute", spec,
			       (int)(c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)), c1 + 1);
	*dst = c1 + 1;
	*mode = c2 ? c2 + 1 : NULL;
	return 0;
}

int parse_volume(const char *spec, struct run_volume *v, struct vxn_err *err)
{
	const char *dst = NULL, *mode = NULL;

	memset(v, 0, sizeof(*v));
	if (volume_fields(spec, &dst, &mode, err) ||
	    (mode && volume_mode(spec, mode, &v->readonly, err)))
		return -1;
	v->source = strndup(spec, (size_t)(dst - 1 - spec));
	v->destination = strndup(dst, mode ? (size_t)(mode - 1 - dst) : strlen(dst));
	if (!v->source || !v->destination) {
		free(v->source);
		free(v->destination);
		return err_set(err, ENOMEM, "-v");
	}
	path_clean(v->source);
	path_clean(v->destination);
	if (strcmp(v->destination, "/"))
		return 0;
	free(v->source);
	free(v->destination);
	return err_set(err, 0, "invalid specification: destination can't be '/'");
}

enum {
	OPT_RM = 256, OPT_ENV_FILE, OPT_NAME, OPT_CPUS, OPT_ENTRYPOINT, OPT_NETWORK, OPT_DNS,
	OPT_ADD_HOST,
};

static const struct option run_options[] = {
	{ "rm", no_argument, NULL, OPT_RM },
	{ "detach", no_argument, NULL, 'd' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "hostname", required_argument, NULL, 'h' },
	{ "volume", required_argument, NULL, 'v' },
	{ "publish", required_argument, NULL, 'p' },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "net", required_argument, NULL, OPT_NETWORK },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "add-host", required_argument, NULL, OPT_ADD_HOST },
	{ 0 },
};

static int push(const char **list, size_t *n, size_t cap, const char *v, const char *flag,
		struct vxn_err *err)
{
	if (*n >= cap)
		return err_set(err, 0, "%s: more than %zu given", flag, cap);
	list[(*n)++] = v;
	return 0;
}

/* docker refuses two volumes at one destination. */
static int add_volume(struct run_opts *o, const char *spec, struct vxn_err *err)
{
	struct run_volume v;

	if (o->nvolumes >= RUNOPTS_MAX_VOLUMES)
		return err_set(err, 0, "--volume: more than %d given", RUNOPTS_MAX_VOLUMES);
	if (parse_volume(spec, &v, err))
		return -1;
	for (size_t i = 0; i < o->nvolumes; i++)
		if (!strcmp(o->volumes[i].destination, v.destination)) {
			err_set(err, 0, "Duplicate mount point: %.200s", v.destination);
			free(v.source);
			free(v.destination);
			return -1;
		}
	o->volumes[o->nvolumes++] = v;
	return 0;
}

static bool ip_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int parse_dns(const char *v, struct run_opts *o, struct vxn_err *err)
{
	if (!ip_address(v))
		return err_set(err, 0, "invalid argument \"%.64s\" for \"--dns\" flag: %.64s is not an "
			       "ip address", v, v);
	return push(o->dns, &o->ndns, RUNOPTS_MAX_DNS, v, "--dns", err);
}

int parse_add_host(const char *spec, struct vxn_err *err)
{
	const char *colon = strchr(spec, ':');

	if (!colon || colon == spec || memchr(spec, ' ', (size_t)(colon - spec)) ||
	    memchr(spec, '\t', (size_t)(colon - spec)))
		return err_set(err, 0, "invalid argument \"%.64s\" for \"--add-host\" flag: bad format "
			       "for add-host: \"%.64s\"", spec, spec);
	if (strcmp(colon + 1, "host-gateway") && !ip_address(colon + 1))
		return err_set(err, 0, "invalid argument \"%.64s\" for \"--add-host\" flag: invalid IP "
			       "address in add-host: \"%.64s\"", spec, colon + 1);
	return 0;
}

/* getopt said '?': an unknown flag or one missing its value. */
static int bad_flag(int argc, char **argv, struct vxn_err *err)
{
	const char *f = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (optopt)
		return err_set(err, 0, "unknown shorthand flag or missing value: '%c' in %.64s",
			       optopt, f);
	return err_set(err, 0, "unknown flag or missing value: %.64s", f);
}

static int one_flag(int c, struct run_opts *o, struct vxn_err *err)
{
	switch (c) {
	case OPT_RM: o->rm = true; return 0;
	case 'd': o->detach = true; return 0;
	case 'i': o->interactive = true; return 0;
	case 't': o->tty = true; return 0;
	case 'e': return push(o->env, &o->nenv, RUNOPTS_MAX_LIST, optarg, "--env", err);
	case OPT_ENV_FILE: return push(o->env_files, &o->nenv_files, 16, optarg, "--env-file", err);
	case 'w': o->workdir = optarg; return 0;
	case 'u': o->user = optarg; return 0;
	case OPT_NAME: o->name = optarg; return id_validate(optarg, err) ?
		err_set(err, 0, "invalid container name \"%.64s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] "
			"are allowed", optarg) : 0;
	case 'm': return parse_memory(optarg, &o->memory_bytes, err);
	case OPT_CPUS: return parse_cpus(optarg, &o->cpu_quota, err);
	case OPT_ENTRYPOINT: o->entrypoint = optarg; o->has_entrypoint = true; return 0;
	case 'h': o->hostname = optarg; return 0;
	case 'v': return add_volume(o, optarg, err);
	case 'p':
		if (o->npublish >= RUNOPTS_MAX_PUBLISH)
			return err_set(err, 0, "-p: more than %d", RUNOPTS_MAX_PUBLISH);
		return parse_publish(optarg, &o->publish[o->npublish++], err);
	case OPT_NETWORK:
		if (strcmp(optarg, "bridge") == 0) {
			o->bridge = true;
			return 0;
		}
		if (strcmp(optarg, "none") && strcmp(optarg, "host"))
			return err_set(err, 0, "--network %.32s: not supported by vdkr (bridge, none "
				       "and host are)", optarg);
		o->no_network = true;
		return 0;
	case OPT_DNS: return parse_dns(optarg, o, err);
	case OPT_ADD_HOST:
		return parse_add_host(optarg, err) ? -1 : push(o->add_hosts, &o->nadd_hosts,
			RUNOPTS_MAX_HOSTS, optarg, "--add-host", err);
	}
	return -1;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535 || s[0] == '0')
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int parse_publish(const char *spec, struct run_publish *p, struct vxn_err *err)
{
	const char *proto = strchr(spec, '/'), *end = proto ? proto : spec + strlen(spec);
	const char *last = memrchr(spec, ':', (size_t)(end - spec));
	struct in_addr a;

	memset(p, 0, sizeof *p);
	if (proto && strcmp(proto, "/tcp") && strcmp(proto, "/udp"))
		return err_set(err, 0, "-p %.64s: the protocol must be tcp or udp", spec);
	p->udp = proto && strcmp(proto, "/udp") == 0;
	if (!last)
		return err_set(err, 0, "-p %.64s: a host port is needed (vdkr does not pick one)",
			       spec);
	if (parse_port(last + 1, (size_t)(end - last - 1), &p->port))
		return err_set(err, 0, "-p %.64s: invalid container port", spec);
	const char *hp = memrchr(spec, ':', (size_t)(last - spec));
	hp = hp ? hp + 1 : spec;
	if (parse_port(hp, (size_t)(last - hp), &p->host_port))
		return err_set(err, 0, "-p %.64s: invalid host port (ranges are not supported)",
			       spec);
	if (hp == spec)
		return 0;
	size_t iplen = (size_t)(hp - 1 - spec);
	if (iplen >= sizeof p->host_ip)
		return err_set(err, 0, "-p %.64s: the host address must be IPv4", spec);
	memcpy(p->host_ip, spec, iplen);
	p->host_ip[iplen] = '\0';
	if (inet_pton(AF_INET, p->host_ip, &a) != 1)
		return err_set(err, 0, "-p %.64s: the host address must be IPv4", spec);
	return 0;
}

int runopts_parse(int argc, char **argv, struct run_opts *o, struct vxn_err *err)
{
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	optind = 0;  /* glibc: a full re-initialisation */
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "+dite:w:u:m:h:v:p:", run_options,
					   NULL)) != -1)
		rc = c == '?' || c == ':' ? bad_flag(argc, argv, err) : one_flag(c, o, err);
	if (rc == 0 && optind >= argc)
		rc = err_set(err, 0, "\"%s\" requires at least 1 argument", argv[0]);
	/* docker's words for -p with --network none or host */
	if (rc == 0 && o->npublish && o->no_network)
		rc = err_set(err, 0, "conflicting options: port publishing and the container type "
			     "network mode");
	if (rc == 0 && o->bridge && o->no_network)
		rc = err_set(err, 0, "--network: given twice, differently");
	/* docker's default network is its bridge */
	if (rc == 0 && !o->no_network)
		o->bridge = true;
	if (rc) {
		runopts_free(o);
		return -1;
	}
	o->image = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = (size_t)(argc - optind - 1);
	return 0;
}

void runopts_free(struct run_opts *o)
{
	for (size_t i = 0; i < o->nvolumes; i++) {
		free(o->volumes[i].source);
		free(o->volumes[i].destination);
	}
	o->nvolumes = 0;
}
