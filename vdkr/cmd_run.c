/* vdkr run: the image (pulled when missing) unpacked by umoci into the
 * container's bundle, config.json adjusted for the flags, then vxn's own
 * create and start through its library; in the foreground, wait for the
 * monitor (our child) and exit with the container's status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle_config.h"
#include "cleanup.h"
#include "console.h"
#include "ctr.h"
#include "ctr_etc.h"
#include "files.h"
#include "images.h"
#include "jsonv.h"
#include "log.h"
#include "net.h"
#include "pty.h"
#include "run_stdio.h"
#include "runopts.h"
#include "runspec.h"
#include "store.h"
#include "util.h"

struct run {
	struct vdkr_ctx *c;
	struct run_opts o;
	struct image_ref ref;
	char canon[REF_MAX];
	struct ctr t;
	char bundle[PATH_MAX];
	char unpacked[PATH_MAX];
	char root_image[PATH_MAX + 16];  /* STORE_ROOT_IMAGE, "" when the image has none */
	struct image_info info;
	char netns[PATH_MAX];  /* the bridge's namespace (net.h), "" without */
};

/* The container's bundle: umoci's config.json for the image (edited later),
 * its root the image's shared unpacked rootfs. */
static int make_bundle(struct run *r, struct vxn_err *err)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	cleanup_free void *text = NULL;
	size_t len;
	int k;

	snprintf(from, sizeof(from), "%s/config.json", r->unpacked);
	snprintf(to, sizeof(to), "%s/config.json", r->bundle);
	if ((size_t)snprintf(r->t.rootfs, sizeof(r->t.rootfs), "%s/rootfs", r->unpacked) >=
	    sizeof(r->t.rootfs))
		return err_set(err, ENAMETOOLONG, "%s", r->unpacked);
	cleanup_close int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0 || (k = read_bounded(in, BUNDLE_CONFIG_MAX, &text, &len)) < 0)
		return err_set(err, in < 0 ? errno : -k, "%s", from);
	if (mkdir(r->bundle, 0700) && errno != EEXIST)
		return err_set(err, errno, "%s", r->bundle);
	cleanup_close int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0 || write_all(out, text, len))
		return err_set(err, errno, "%s", to);
	return 0;
}

/* Under the store's shared lock: the image's config, and its unpacked
 * rootfs and config.json (store_unpacked). Pulled first when missing. */
static int unpack_image(struct run *r, struct vxn_err *err)
{
	struct imgindex_entry e;
	struct store s;
	int found;

	for (int attempt = 0;; attempt++) {
		if (store_open(&s, r->c->root, LOCK_SH, err))
			return -1;
		if ((found = store_lookup(&s, r->canon, &e, err)) != 0 || attempt)
			break;
		store_close(&s);
		fprintf(stderr, "Unable to find image '%s' locally\n", r->o.image);
		if (image_pull_ref(r->c, &r->ref, r->canon, false, err))
			return -1;
	}
	int rc = found < 0 ? -1 : found == 0 ? err_set(err, 0, "No such image: %s", r->o.image) : 0;
	if (rc == 0)
		rc = store_image_info(&s, &e, &r->info, err);
	if (rc == 0) {
		memcpy(r->t.image_digest, e.digest, sizeof(r->t.image_digest));
		rc = store_unpacked(&s, r->canon, e.digest, r->unpacked, sizeof(r->unpacked), err);
	}
	if (rc == 0)
		rc = make_bundle(r, err);
	snprintf(r->root_image, sizeof(r->root_image), "%s/" STORE_ROOT_IMAGE, r->unpacked);
	if (rc == 0 && access(r->root_image, R_OK))
		r->root_image[0] = '\0';
	store_close(&s);
	return rc;
}

static const char *lookup_env(const char *k)
{
	return getenv(k);
}

/* The image's environment (umoci's config.json has it), then each
 * --env-file, then each -e, the later winning, as with docker. */
static int build_env(struct run *r, const char *json, size_t len, struct env_list *env,
		     struct vxn_err *err)
{
	if (bundle_config_env(json, len, &env->v, &env->n, err))
		return -1;
	for (size_t i = 0; i < r->o.nenv_files; i++) {
		cleanup_close int fd = open(r->o.env_files[i], O_RDONLY | O_CLOEXEC);
		cleanup_free void *text = NULL;
		size_t n;
		int k;
		if (fd < 0)
			return err_set(err, errno, "open %s", r->o.env_files[i]);
		if ((k = read_bounded(fd, 1u << 20, &text, &n)) < 0)
			return err_set(err, -k, "reading %s", r->o.env_files[i]);
		if (env_file_apply(env, text, n, r->o.env_files[i], lookup_env, err))
			return -1;
	}
	for (size_t i = 0; i < r->o.nenv; i++)
		if (env_set(env, r->o.env[i], lookup_env, err))
			return -1;
	return 0;
}

static int resolve_user(struct run *r, struct bundle_edit *e, struct vxn_err *err)
{
	if (!r->o.user)
		return 0;
	cleanup_free char *passwd = ctr_rootfs_file(r->c, &r->t, "etc/passwd");
	cleanup_free char *group = ctr_rootfs_file(r->c, &r->t, "etc/group");
	e->set_user = true;
	return user_resolve(r->o.user, passwd, group, &e->uid, &e->gid, err);
}

static int write_config(const char *path, const char *text, struct vxn_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0 || write_all(fd, text, strlen(text)))
		return err_set(err, errno, "writing %s", path);
	return 0;
}

/* umoci's config.json with the flags applied. */
static int edit_config(struct run *r, struct vxn_err *err)
{
	char path[PATH_MAX + 16];
	cleanup_free void *json = NULL;
	cleanup_free char *out = NULL;
	struct env_list env = { 0 };
	char **args = NULL;
	size_t len, nargs = 0;
	int k, rc;

	char short_id[13], ip[16], gw[16];
	struct ctr_etc etc;

	/* docker's: the ID's first 12 digits, whatever --name says */
	snprintf(short_id, sizeof short_id, "%.12s", r->t.id);
	vdkr_net_address(r->c, r->t.id, ip, gw);
	if (ctr_etc_write(r->c, r->t.id, r->o.hostname ? r->o.hostname : short_id, ip, gw, &r->o,
			  &etc, err))
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", r->bundle);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (k = read_bounded(fd, BUNDLE_CONFIG_MAX, &json, &len)) < 0)
		return err_set(err, fd < 0 ? errno : -k, "%s", path);
	struct bundle_edit e = {
		.root_path = r->t.rootfs, .cwd = r->o.workdir, .terminal = r->o.tty,
		.hostname = r->o.hostname ? r->o.hostname : short_id,
		.memory_bytes = r->o.memory_bytes, .cpu_quota = r->o.cpu_quota,
		.cpu_period = CPU_PERIOD, .files = etc.binds, .nfiles = CTR_ETC_FILES,
		.volumes = r->o.volumes, .nvolumes = r->o.nvolumes,
		.netns_path = r->netns[0] ? r->netns : NULL,
	};
	if (r->o.tty)
		pty_get_size(0, &e.rows, &e.cols);
	rc = build_env(r, json, len, &env, err);
	if (rc == 0)
		rc = run_args(&r->info.config, &r->o, &args, &nargs, err);
	if (rc == 0)
		rc = resolve_user(r, &e, err);
	if (rc == 0 && r->o.workdir && r->o.workdir[0] != '/')
		rc = err_set(err, 0, "the working directory '%s' is invalid, it needs to be an "
			     "absolute path", r->o.workdir);
	e.args = args;
	e.nargs = nargs;
	e.env = env.v;
	e.nenv = env.n;
	if (rc == 0)
		rc = bundle_config_edit(json, len, &e, &out, err);
	if (rc == 0)
		rc = write_config(path, out, err);
	for (size_t i = 0; rc == 0 && i < nargs; i++)
		snprintf(r->t.command + strlen(r->t.command), sizeof(r->t.command) -
			 strlen(r->t.command), "%s%s", i ? " " : "", args[i]);
	jv_strv_free(args, nargs);
	env_list_free(&env);
	return rc;
}

/* vxn's create refuses a missing executable with runc's message: docker
 * maps that to 127, and one that cannot be run to 126. */
static int create_failure_status(const struct vxn_err *err)
{
	if (strstr(err->msg, "executable file not found") || strstr(err->msg, "no such file"))
		return VDKR_EXIT_NOT_FOUND;
	if (strstr(err->msg, "exec: ") || strstr(err->msg, "ermission denied"))
		return VDKR_EXIT_CANNOT_INVOKE;
	return VDKR_EXIT_ERR;
}

static int open_log(const struct run *r, const char *name)
{
	char path[PATH_MAX];

	if (ctr_path(r->c, r->t.id, name, path, sizeof(path)))
		return -1;
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

/* create with the container's stdio in place of ours (with -t, the
 * monitor's pty is sent to console_path instead); *status is what to exit
 * with when it fails. */
static int create(struct run *r, const char *console_path, pid_t *monitor, int *status,
		  struct vxn_err *err)
{
	struct vxn_create_opts co = { .bundle = r->bundle, .console_socket = console_path,
				      .root_image = r->root_image[0] ? r->root_image : NULL };
	struct saved_stdio sv;
	cleanup_close int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	cleanup_close int out = r->o.detach ? open_log(r, "stdout.log") : -1;
	cleanup_close int errf = r->o.detach ? open_log(r, "stderr.log") : -1;

	*status = VDKR_EXIT_ERR;
	if (null < 0 || (r->o.detach && (out < 0 || errf < 0)))
		return err_set(err, errno, "opening the container's stdio");
	if (stdio_redirect(&sv, r->o.interactive && !r->o.detach ? -1 : null, out, errf, err))
		return -1;
	int rc = container_create(&r->c->g, r->t.id, &co, monitor, err);
	stdio_restore(&sv);
	if (rc) {
		*status = create_failure_status(err);
		return -1;
	}
	if (container_start_or_delete(&r->c->g, r->t.id, *monitor, err)) {
		*status = create_failure_status(err);
		return -1;
	}
	return 0;
}

static volatile sig_atomic_t pending_signal;

static void on_signal(int signo)
{
	pending_signal = signo;
}

/* Installed after create (the monitor keeps the default dispositions): a
 * signal to vdkr goes to the container, as docker run's proxy does. */
static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int wait_monitor(struct run *r, pid_t monitor)
{
	int status;

	forward_signals();
	while (waitpid(monitor, &status, 0) != monitor) {
		if (errno != EINTR) {
			int code = ctr_wait_exit(r->c, &r->t, NULL);
			return code < 0 ? 255 : code;
		}
		int signo = pending_signal;
		struct vxn_err kerr;
		pending_signal = 0;
		if (signo && container_kill(&r->c->g, r->t.id, signo, false, &kerr))
			log_debug("forwarding signal %d: %s", signo, kerr.msg);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

/* -d --rm: no daemon removes it when it ends, so a child of ours, on its
 * own session and without our stdio (a caller reading our stdout must see
 * EOF now), waits for that. */
static void reap_detached(struct vdkr_ctx *c, const struct ctr *t)
{
	pid_t pid = fork();

	if (pid != 0) {
		if (pid < 0)
			log_warn("--rm: cannot fork the remover of %s: %s", t->name, strerror(errno));
		return;
	}
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(1);
	setsid();
	if (fork() != 0)
		_exit(0);
	ctr_wait_exit(c, t, NULL);
	ctr_remove_all(c, t);
	_exit(0);
}

/* docker creates a missing SRC; vdkr refuses it, as `docker run --mount`
 * does, rather than leave a directory behind for a typo. Directories and
 * regular files only: vxn can serve nothing else to a guest. */
static int check_volume_sources(const struct run_opts *o, struct vxn_err *err)
{
	struct stat st;

	for (size_t i = 0; i < o->nvolumes; i++) {
		const char *src = o->volumes[i].source;
		if (stat(src, &st))
			return errno == ENOENT ?
				err_set(err, 0, "invalid mount config for type \"bind\": bind source "
					"path does not exist: %.200s", src) :
				err_set(err, errno, "-v: %.200s", src);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			return err_set(err, 0, "-v: %.200s: not a directory or a regular file (vxn "
				       "can serve only those to a guest)", src);
	}
	return 0;
}

static int setup(struct run *r, int argc, char **argv, struct vxn_err *err)
{
	struct timespec now;

	if (runopts_parse(argc, argv, &r->o, err) || check_volume_sources(&r->o, err) ||
	    image_canonical(r->o.image, &r->ref, r->canon, sizeof(r->canon), err) ||
	    ctr_new_id(r->t.id, err))
		return -1;
	/* docker makes up adjective_noun names; the short ID is as unique */
	if (r->o.name)
		snprintf(r->t.name, sizeof(r->t.name), "%s", r->o.name);
	else
		snprintf(r->t.name, sizeof(r->t.name), "%.12s", r->t.id);
	snprintf(r->t.image, sizeof(r->t.image), "%s", r->canon);
	r->t.rm = r->o.rm;
	clock_gettime(CLOCK_REALTIME, &now);
	rfc3339_nano(&now, r->t.created, sizeof(r->t.created));
	if (ctr_path(r->c, r->t.id, "bundle", r->bundle, sizeof(r->bundle)))
		return err_set(err, ENAMETOOLONG, "state directory");
	return ctr_create(r->c, &r->t, err);
}

static int open_console(struct run *r, char *path, size_t len, int *lfd, struct vxn_err *err)
{
	char dir[PATH_MAX];

	if (r->o.detach)
		return err_set(err, 0, "-t with -d: not supported yet by vdkr (no process would "
			       "keep the terminal)");
	if (ctr_path(r->c, r->t.id, NULL, dir, sizeof(dir)))
		return err_set(err, ENAMETOOLONG, "state directory");
	return console_listen(dir, path, len, lfd, err);
}

/* The monitor sent it during create; a failure leaves nothing running. */
static int take_console(struct run *r, int lfd, int *master, struct vxn_err *err)
{
	if (console_take(lfd, 10, master, err) == 0)
		return 0;
	ctr_remove_all(r->c, &r->t);
	return -1;
}

/* What stop and ps need later: the command (edit_config), the image's
 * stop signal. */
static int record(struct run *r, struct vxn_err *err)
{
	const char *sig = r->info.config.stop_signal;

	snprintf(r->t.stop_signal, sizeof(r->t.stop_signal), "%s", sig ? sig : "");
	return ctr_save(r->c, &r->t, err);
}

static int run_container(struct run *r, int argc, char **argv, struct vxn_err *err)
{
	struct vdkr_ctx *c = r->c;
	char console[PATH_MAX];
	pid_t monitor = 0;
	int status = VDKR_EXIT_ERR, lfd = -1, master = -1;

	if (setup(r, argc, argv, err))
		return -1;
	if (unpack_image(r, err) ||
	    (r->o.bridge && vdkr_net_up(c, r->t.id, r->o.publish, r->o.npublish, r->netns,
					sizeof(r->netns), err)) ||
	    edit_config(r, err) || record(r, err) ||
	    (r->o.tty && open_console(r, console, sizeof(console), &lfd, err)) ||
	    create(r, r->o.tty ? console : NULL, &monitor, &status, err) ||
	    (r->o.tty && take_console(r, lfd, &master, err))) {
		image_info_free(&r->info);
		if (lfd >= 0)
			close(lfd);
		ctr_remove(c, &r->t);
		fprintf(stderr, "%s: %s\n", c->prog, err->msg);
		return status;
	}
	image_info_free(&r->info);
	if (lfd >= 0)
		close(lfd);
	if (master >= 0) {
		status = console_relay(master, r->o.interactive, monitor);
		if (r->o.rm)
			ctr_remove_all(c, &r->t);
		return status;
	}
	if (r->o.detach) {
		printf("%s\n", r->t.id);
		fflush(stdout);
		if (r->o.rm)
			reap_detached(c, &r->t);
		return 0;
	}
	status = wait_monitor(r, monitor);
	if (r->o.rm)
		ctr_remove_all(c, &r->t);
	return status;
}

int cmd_run(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	struct run r = { .c = c };
	int status = run_container(&r, argc, argv, err);

	runopts_free(&r.o);
	return status;
}
