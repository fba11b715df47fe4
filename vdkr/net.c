/* See net.h. The plugins run as CNI's specification has a runtime run
 * them: the network's configuration on stdin, the command and the
 * container in the environment, the result (or an error object) on
 * stdout. What each ADD was given is kept beside the container, so that
 * rm runs the DELs with the same configuration. */
#include "net.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "ctr.h"
#include "files.h"
#include "jsonv.h"
#include "jtree.h"
#include "log.h"
#include "spawn.h"
#include "util.h"

#define CNI_NETWORK "vdkr"
#define CNI_BRIDGE "vdkr0"
#define CNI_VERSION "0.4.0"
#define CNI_OUT_MAX (256u << 10)
#define CNI_TIMEOUT_S 120
#define CNI_BRIDGE_CONF "cni-bridge.json"
#define CNI_PORTMAP_CONF "cni-portmap.json"
#define CNI_RESULT "cni-result.json"  /* the bridge's ADD result: inspect's address */

/* Where the plugins are: Debian's place, Yocto's (meta-virtualization's
 * cni recipe), then CNI's own default; Debian's when none has them, for
 * the error to name. */
static const char *cni_dir(void)
{
	static const char *const dirs[] = { "/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin" };

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "%s/bridge", dirs[i]);
		if (access(path, X_OK) == 0)
			return dirs[i];
	}
	return dirs[0];
}

/* A network namespace of its own, bound on path (made here) as `ip netns
 * add` does: it lives while the bind does, whoever holds it. */
static int pin_netns(const char *path, struct vxn_err *err)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), status;

	if (fd < 0)
		return err_set(err, errno, "%s", path);
	close(fd);
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) || mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL));
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	unlink(path);
	return err_set(err, pid < 0 ? errno : 0, "making the container's network namespace");
}

static bool is_netns(const char *path)
{
	struct statfs fs;

	return statfs(path, &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

static void unpin_netns(const char *path)
{
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
	if (unlink(path) && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
}

/* A plugin's error object's msg (and details), or its exit status. */
static int plugin_failed(const char *plugin, const char *out, size_t len, int status,
			 struct vxn_err *err)
{
	struct vxn_err perr;
	char *msg = NULL, *details = NULL;
	yajl_val v = len ? jv_parse(out, len, CNI_OUT_MAX, plugin, &perr) : NULL;

	if (v && jv_string(jv_get(v, "msg"), "msg", &msg, &perr) == 0 && msg &&
	    jv_string(jv_get(v, "details"), "details", &details, &perr) == 0)
		err_set(err, 0, "CNI %s: %.200s%s%.200s", plugin, msg, details ? ": " : "",
			details ? details : "");
	else
		err_set(err, 0, "CNI %s: exit status 0x%x", plugin, (unsigned)status);
	free(msg);
	free(details);
	yajl_tree_free(v);
	return -1;
}

/* The plugin run with command for the container: its stdout, parsed,
 * into *result (NULL unless asked for and there). */
static int cni_exec(const char *plugin, const char *command, const char *id, const char *netns,
		    const char *config, yajl_val *result, struct vxn_err *err)
{
	char path[64], e_cmd[32], e_id[128], e_ns[PATH_MAX + 16], e_path[64];
	const char *dir = cni_dir();
	int in[2], out[2], status = 0;

	snprintf(path, sizeof path, "%s/%s", dir, plugin);
	snprintf(e_cmd, sizeof e_cmd, "CNI_COMMAND=%s", command);
	snprintf(e_id, sizeof e_id, "CNI_CONTAINERID=%s", id);
	snprintf(e_ns, sizeof e_ns, "CNI_NETNS=%s", netns);
	snprintf(e_path, sizeof e_path, "CNI_PATH=%s", dir);
	char *env[] = { e_cmd, e_id, e_ns, "CNI_IFNAME=eth0", e_path,
			"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char *argv[] = { path, NULL };
	size_t clen = strlen(config);

	if (result)
		*result = NULL;
	if (pipe2(in, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	/* the whole configuration goes into the pipe before the plugin runs
	 * (it is far under a pipe's 64 KiB): no write to a reader gone */
	if (clen >= 65536 || write_all(in[1], config, clen) || pipe2(out, O_CLOEXEC)) {
		int e = clen >= 65536 ? E2BIG : errno;
		close(in[0]);
		close(in[1]);
		return err_set(err, e, "CNI %s: its configuration", plugin);
	}
	close(in[1]);
	pid_t pid = fork();
	int fork_errno = errno;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || null < 0 || dup2(null, 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		alarm(CNI_TIMEOUT_S);  /* kept across execve: a plugin that hangs ends */
		execve(path, argv, env);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	cleanup_free void *text = NULL;
	size_t len = 0;
	int k = pid > 0 ? read_bounded(out[0], CNI_OUT_MAX, &text, &len) : -errno;
	close(out[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || k < 0)
		return err_set(err, pid < 0 ? fork_errno : -k, "CNI %s", plugin);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		return err_set(err, 0, "CNI %s: no answer in %d s", plugin, CNI_TIMEOUT_S);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			err_set(err, 0, "CNI %s: cannot run %s (are the CNI plugins, Debian's "
				"containernetworking-plugins, installed?)", plugin, path) :
			plugin_failed(plugin, text, len, status, err);
	if (result && len && !(*result = jv_parse(text, len, CNI_OUT_MAX, plugin, err)))
		return -1;
	return 0;
}

/* docker's one rule for its bridge's subnet, added when it is missing:
 * the bridge plugin's ipMasq makes a chain of the container's own instead,
 * which takes about ten iptables runs in ADD and five in DEL (seconds under
 * the lab's emulation); this takes one run once the rule is there. */
static int masquerade(const char *subnet, struct vxn_err *err)
{
	/* -w: wait for the xtables lock another run or a plugin holds */
	char *rule[] = { "iptables", "-w", "-t", "nat", "-C", "POSTROUTING", "-s", (char *)subnet,
			 "!", "-o", CNI_BRIDGE, "-j", "MASQUERADE", NULL };
	struct vxn_err absent = { 0 };

	if (spawn_tool(rule, &absent) == 0)
		return 0;
	rule[4] = "-A";
	return spawn_tool(rule, err) ? err_wrap(err, "masquerading %s out (iptables)", subnet) : 0;
}

/* The bridge's configuration, its subnet's masquerading in place. */
static int bridge_config(const struct vdkr_ctx *c, char **out, struct vxn_err *err)
{
	struct vxn_config conf;

	if (config_load(c->g.config_path, &conf, err) < 0)
		return -1;
	if (masquerade(conf.vdkr_subnet, err)) {
		config_free(&conf);
		return -1;
	}
	yajl_gen g = jg_new(false);
	yajl_gen_map_open(g);
	jg_kstr(g, "cniVersion", CNI_VERSION);
	jg_kstr(g, "name", CNI_NETWORK);
	jg_kstr(g, "type", "bridge");
	jg_kstr(g, "bridge", CNI_BRIDGE);
	jg_kbool(g, "isGateway", true);
	jg_kbool(g, "ipMasq", false);  /* masquerade() */
	jg_kbool(g, "hairpinMode", true);
	jg_key(g, "ipam");
	yajl_gen_map_open(g);
	/* host-local's leases in its own place (/var/lib/cni/networks/vdkr):
	 * vdkr and vpdmn, any --root, share the one bridge and its addresses */
	jg_kstr(g, "type", "host-local");
	jg_key(g, "ranges");
	yajl_gen_array_open(g);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jg_kstr(g, "subnet", conf.vdkr_subnet);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_array_close(g);
	jg_key(g, "routes");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jg_kstr(g, "dst", "0.0.0.0/0");
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	config_free(&conf);
	*out = jg_finish(g);
	return *out ? 0 : err_set(err, ENOMEM, "CNI configuration");
}

static yajl_val port_mapping(const struct run_publish *p)
{
	yajl_val m = jt_object();

	if (!m || jt_set(m, "hostPort", jt_int(p->host_port)) ||
	    jt_set(m, "containerPort", jt_int(p->port)) ||
	    jt_set(m, "protocol", jt_string(p->udp ? "udp" : "tcp")) ||
	    (p->host_ip[0] && jt_set(m, "hostIP", jt_string(p->host_ip)))) {
		yajl_tree_free(m);
		return NULL;
	}
	return m;
}

/* portmap's configuration with the -p ports; prev (the bridge's result,
 * owned by the tree afterwards) only in the ADD's copy. */
static char *portmap_config(const struct run_publish *p, size_t np, yajl_val prev)
{
	yajl_val c = jt_object(), caps, rc, maps;
	char *text = NULL;

	if (!c || jt_set(c, "cniVersion", jt_string(CNI_VERSION)) ||
	    jt_set(c, "name", jt_string(CNI_NETWORK)) || jt_set(c, "type", jt_string("portmap")) ||
	    jt_set(c, "snat", jt_bool(true)) || !(caps = jt_child(c, "capabilities")) ||
	    jt_set(caps, "portMappings", jt_bool(true)) || !(rc = jt_child(c, "runtimeConfig")) ||
	    !(maps = jt_child_array(rc, "portMappings")))
		goto out;
	for (size_t i = 0; i < np; i++)
		if (jt_append(maps, port_mapping(&p[i])))
			goto out;
	if (prev && jt_set(c, "prevResult", prev)) {
		prev = NULL;
		goto out;
	}
	prev = NULL;
	text = jt_dump(c);
out:
	yajl_tree_free(prev);
	yajl_tree_free(c);
	return text;
}

static int save(const struct vdkr_ctx *c, const char *id, const char *name, const char *text,
		struct vxn_err *err)
{
	char dir[PATH_MAX];

	if (ctr_path(c, id, NULL, dir, sizeof dir))
		return err_set(err, ENAMETOOLONG, "state directory");
	int e = file_replace_at(dir, name, text, strlen(text));
	return e ? err_set(err, -e, "%s/%s", dir, name) : 0;
}

/* A saved configuration, NULL when there is none. */
static char *saved(const struct vdkr_ctx *c, const char *id, const char *name)
{
	char path[PATH_MAX];
	void *text = NULL;
	size_t len;

	if (ctr_path(c, id, name, path, sizeof path))
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	int k = read_bounded(fd, CNI_OUT_MAX, &text, &len);
	close(fd);
	if (k < 0)
		return NULL;
	char *s = realloc(text, len + 1);
	if (!s) {
		free(text);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

static bool same_port(const struct run_publish *a, const struct run_publish *b)
{
	return a->host_port == b->host_port && a->udp == b->udp &&
	       (!a->host_ip[0] || !b->host_ip[0] || strcmp(a->host_ip, b->host_ip) == 0);
}

/* The -p ports a container's portmap ADD was given (its saved
 * configuration), at most max, into out: how many. */
static size_t published(const struct vdkr_ctx *c, const char *id, struct run_publish *out,
			size_t max)
{
	cleanup_free char *conf = saved(c, id, CNI_PORTMAP_CONF);
	struct vxn_err perr;
	yajl_val v = conf ? jv_parse(conf, strlen(conf), CNI_OUT_MAX, "portmap", &perr) : NULL;
	yajl_val maps = jv_get(jv_get(v, "runtimeConfig"), "portMappings");
	size_t n = 0;

	for (size_t i = 0; YAJL_IS_ARRAY(maps) && i < maps->u.array.len && n < max; i++) {
		yajl_val m = maps->u.array.values[i], hport = jv_get(m, "hostPort");
		yajl_val port = jv_get(m, "containerPort");
		yajl_val proto = jv_get(m, "protocol"), ip = jv_get(m, "hostIP");
		if (!YAJL_IS_INTEGER(hport) || !YAJL_IS_INTEGER(port))
			continue;
		out[n] = (struct run_publish){
			.host_port = (uint16_t)YAJL_GET_INTEGER(hport),
			.port = (uint16_t)YAJL_GET_INTEGER(port),
			.udp = YAJL_IS_STRING(proto) && strcmp(proto->u.string, "udp") == 0,
		};
		if (YAJL_IS_STRING(ip))
			snprintf(out[n].host_ip, sizeof out[n].host_ip, "%s", ip->u.string);
		n++;
	}
	yajl_tree_free(v);
	return n;
}

void vdkr_net_ports_text(const struct vdkr_ctx *c, const char *id, char *out, size_t len)
{
	struct run_publish p[RUNOPTS_MAX_PUBLISH];
	size_t n = published(c, id, p, RUNOPTS_MAX_PUBLISH), w = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && w < len; i++) {
		int k = snprintf(out + w, len - w, "%s%s:%u->%u/%s", i ? ", " : "",
				 p[i].host_ip[0] ? p[i].host_ip : "0.0.0.0", p[i].host_port, p[i].port,
				 p[i].udp ? "udp" : "tcp");
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

/* Another container's published host ports: 1 when one of p is among them. */
static int taken_by(const struct vdkr_ctx *c, const char *id, const struct run_publish *p,
		    size_t np, const struct run_publish **hit)
{
	struct run_publish other[RUNOPTS_MAX_PUBLISH];
	size_t n = published(c, id, other, RUNOPTS_MAX_PUBLISH);

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < np; k++)
			if (same_port(&p[k], &other[i])) {
				*hit = &p[k];
				return 1;
			}
	return 0;
}

/* An ended container (its exit recorded: one still being made has none)
 * that was not removed gives its network back, as docker's does at its
 * end, which no daemon sees here. */
static void release_if_ended(const struct vdkr_ctx *c, const char *id)
{
	char conf[PATH_MAX];

	if (ctr_path(c, id, CNI_BRIDGE_CONF, conf, sizeof conf) || access(conf, F_OK) ||
	    ctr_exit_recorded_id(c, id) < 0)
		return;
	log_debug("net: %.12s has ended: its address and ports given back", id);
	vdkr_net_down(c, id);
}

/* docker refuses a host port already published; portmap would let the
 * first DNAT rule win in silence. Within the run, and against the other
 * containers' records, in one pass that also gives back the networks of
 * those that ended (release_if_ended). */
static int ports_free(const struct vdkr_ctx *c, const char *id, const struct run_publish *p,
		      size_t np, struct vxn_err *err)
{
	const struct run_publish *hit = NULL;
	char dir[PATH_MAX];

	for (size_t i = 0; i < np && !hit; i++)
		for (size_t k = 0; k < i && !hit; k++)
			if (same_port(&p[i], &p[k]))
				hit = &p[i];
	snprintf(dir, sizeof dir, "%s/containers", c->root);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, id) || strlen(e->d_name) != CTR_ID_LEN)
			continue;
		release_if_ended(c, e->d_name);
		if (!hit)
			taken_by(c, e->d_name, p, np, &hit);
	}
	if (d)
		closedir(d);
	if (hit)
		return err_set(err, 0, "Bind for %s:%u failed: port is already allocated",
			       hit->host_ip[0] ? hit->host_ip : "0.0.0.0", hit->host_port);
	return 0;
}

static int ports_up(const struct vdkr_ctx *c, const char *id, const char *netns,
		    const struct run_publish *p, size_t np, yajl_val prev, struct vxn_err *err)
{
	cleanup_free char *del = portmap_config(p, np, NULL);
	cleanup_free char *add = portmap_config(p, np, prev);

	if (!del || !add)
		return err_set(err, ENOMEM, "CNI portmap configuration");
	/* saved first: a failed ADD may have left rules, which DEL removes */
	if (save(c, id, CNI_PORTMAP_CONF, del, err))
		return -1;
	return cni_exec("portmap", "ADD", id, netns, add, NULL, err);
}


int vdkr_net_up(const struct vdkr_ctx *c, const char *id, const struct run_publish *p,
		size_t np, char *netns, size_t len, struct vxn_err *err)
{
	cleanup_free char *bridge = NULL, *text = NULL;
	yajl_val result = NULL;

	if (ctr_path(c, id, VDKR_NETNS_FILE, netns, len))
		return err_set(err, ENAMETOOLONG, "state directory");
	if (ports_free(c, id, p, np, err))
		return -1;
	if (bridge_config(c, &bridge, err) || save(c, id, CNI_BRIDGE_CONF, bridge, err) ||
	    pin_netns(netns, err))
		goto fail;
	if (cni_exec("bridge", "ADD", id, netns, bridge, &result, err))
		goto fail;
	text = result ? jt_dump(result) : NULL;
	if (!text) {
		err_set(err, EPROTO, "CNI bridge: no result");
		goto fail;
	}
	if (save(c, id, CNI_RESULT, text, err))
		goto fail;
	if (np && ports_up(c, id, netns, p, np, result, err)) {
		result = NULL;
		goto fail;
	}
	if (!np)
		yajl_tree_free(result);
	return 0;
fail:
	yajl_tree_free(result);
	vdkr_net_down(c, id);
	return -1;
}

void vdkr_net_down(const struct vdkr_ctx *c, const char *id)
{
	static const struct { const char *file, *plugin; } steps[] = {
		{ CNI_PORTMAP_CONF, "portmap" }, { CNI_BRIDGE_CONF, "bridge" },
	};
	char netns[PATH_MAX], path[PATH_MAX];
	struct vxn_err err;
	bool freed = true;

	if (ctr_path(c, id, VDKR_NETNS_FILE, netns, sizeof netns))
		return;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		char *conf = saved(c, id, steps[i].file);
		if (!conf)
			continue;
		/* the namespace may be gone (after a reboot its pin is an empty
		 * file): CNI's DEL must still free the address and the rules */
		if (cni_exec(steps[i].plugin, "DEL", id, is_netns(netns) ? netns : "", conf, NULL,
			     &err)) {
			log_warn("%s", err.msg);
			freed = false;
		} else if (ctr_path(c, id, steps[i].file, path, sizeof path) == 0) {
			unlink(path);
		}
		free(conf);
	}
	unpin_netns(netns);
	/* inspect shows no address once it is given back, as docker's */
	if (freed && ctr_path(c, id, CNI_RESULT, path, sizeof path) == 0)
		unlink(path);
}


/* "A.B.C.D/N" of the result's first IPv4 address, split. */
static void first_address(yajl_val result, char ip[16], long long *prefix, char gw[16])
{
	yajl_val ips = jv_get(result, "ips");

	for (size_t i = 0; YAJL_IS_ARRAY(ips) && i < ips->u.array.len; i++) {
		yajl_val a = jv_get(ips->u.array.values[i], "address");
		yajl_val g = jv_get(ips->u.array.values[i], "gateway");
		const char *s = YAJL_IS_STRING(a) ? a->u.string : NULL;
		const char *slash = s ? strchr(s, '/') : NULL;
		if (!slash || (size_t)(slash - s) >= 16 || strchr(s, ':'))
			continue;
		memcpy(ip, s, (size_t)(slash - s));
		ip[slash - s] = '\0';
		*prefix = strtol(slash + 1, NULL, 10);
		if (YAJL_IS_STRING(g) && strlen(g->u.string) < 16)
			snprintf(gw, 16, "%s", g->u.string);
		return;
	}
}

/* "Ports": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}, ...], ...},
 * grouped by container port as docker shows them. */
static void gen_ports(yajl_gen g, const struct vdkr_ctx *c, const char *id)
{
	struct run_publish p[RUNOPTS_MAX_PUBLISH];
	size_t n = published(c, id, p, RUNOPTS_MAX_PUBLISH);

	jg_key(g, "Ports");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = p[j].port == p[i].port && p[j].udp == p[i].udp;
		if (seen)
			continue;
		char key[16], hp[8];
		snprintf(key, sizeof key, "%u/%s", p[i].port, p[i].udp ? "udp" : "tcp");
		jg_key(g, key);
		yajl_gen_array_open(g);
		for (size_t j = i; j < n; j++) {
			if (p[j].port != p[i].port || p[j].udp != p[i].udp)
				continue;
			snprintf(hp, sizeof hp, "%u", p[j].host_port);
			yajl_gen_map_open(g);
			jg_kstr(g, "HostIp", p[j].host_ip);
			jg_kstr(g, "HostPort", hp);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

/* The saved result's first IPv4 address: "" and 0 without one. */
static void address_of(const struct vdkr_ctx *c, const char *id, char ip[16], long long *prefix,
		       char gw[16])
{
	cleanup_free char *text = saved(c, id, CNI_RESULT);
	struct vxn_err perr;
	yajl_val result = text ? jv_parse(text, strlen(text), CNI_OUT_MAX, "result", &perr) : NULL;

	ip[0] = gw[0] = '\0';
	*prefix = 0;
	first_address(result, ip, prefix, gw);
	yajl_tree_free(result);
}

void vdkr_net_address(const struct vdkr_ctx *c, const char *id, char ip[16], char gw[16])
{
	long long prefix;

	address_of(c, id, ip, &prefix, gw);
}

void vdkr_net_settings(yajl_gen g, const struct vdkr_ctx *c, const char *id)
{
	char ip[16], gw[16];
	long long prefix;

	address_of(c, id, ip, &prefix, gw);
	jg_key(g, "NetworkSettings");
	yajl_gen_map_open(g);
	jg_kstr(g, "IPAddress", ip);
	jg_kint(g, "IPPrefixLen", prefix);
	jg_kstr(g, "Gateway", gw);
	gen_ports(g, c, id);
	yajl_gen_map_close(g);
}
