#include "pod_member.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec_check.h"
#include "exec_client.h"
#include "files.h"
#include "log.h"
#include "pidfile.h"
#include "plan.h"
#include "pod.h"
#include "signals.h"
#include "util.h"
#include "vxn-proto.h"

#define GATE_FIFO "start.fifo"        /* in the member's state directory */
#define START_WAIT_MS 120000
#define END_WAIT_MS 10000

static void path_in(const char *dir, const char *name, char *out, size_t cap)
{
	if ((size_t)snprintf(out, cap, "%s/%s", dir, name) >= cap)
		out[0] = '\0';  /* state directories are far shorter: ID_MAX */
}

/* The sandbox must be up: its guest is where the container runs. */
static int sandbox_of(const struct vxn_globals *g, const char *sandbox_id, char *sdir,
		      char *domain, size_t dcap, struct vxn_err *err)
{
	struct vxn_state st;
	enum vxn_status s;
	int pid;

	if (container_status(g, sandbox_id, &st, &s, &pid, err))
		return err_wrap(err, "pod sandbox %.80s", sandbox_id), -1;
	snprintf(domain, dcap, "%s", st.domain_name ? st.domain_name : "");
	bool member = st.sandbox != NULL;
	state_free(&st);
	if (member)
		return err_set(err, 0, "pod sandbox %.80s is itself a pod's container", sandbox_id);
	if (s != VXN_STATUS_CREATED && s != VXN_STATUS_RUNNING)
		return err_set(err, 0, "pod sandbox %.80s is %s: its containers cannot start",
			       sandbox_id, status_name(s));
	return container_state_dir(g, sandbox_id, sdir, PATH_MAX, err);
}

/* The CTR_START payload: the container's name, then its launch. */
static int start_frame(const struct vxn_plan *p, const char *id, uint8_t **out, size_t *len,
		       struct vxn_err *err)
{
	uint8_t *launch = NULL;
	size_t n = 0;

	if (vxn_launch_encode(&p->launch, &launch, &n))
		return err_set(err, EINVAL, "encoding the container's launch data");
	*out = malloc(VXN_FRAME_MAX_PAYLOAD);
	int w = *out ? vxn_ctr_frame_encode(id, launch, n, *out, VXN_FRAME_MAX_PAYLOAD) : -1;
	free(launch);
	if (w < 0)
		return err_set(err, 0, "the container's launch data (%zu bytes) does not fit one "
			       "frame of %u, or its ID is not a valid name", n,
			       VXN_FRAME_MAX_PAYLOAD);
	*len = (size_t)w;
	return 0;
}

static int checks(const struct vxn_create_opts *o, const struct vxn_plan *p,
		  struct vxn_err *err)
{
	struct stat st;

	if (stat(p->rootfs, &st) || !S_ISDIR(st.st_mode))
		return err_set(err, 0, "rootfs (\"%s\") does not exist", p->rootfs);
	if (p->launch.terminal && !o->console_socket)
		return err_set(err, 0, "process.terminal is set: --console-socket is required "
			       "(vxn always detaches, like runc create)");
	if (!p->launch.terminal && o->console_socket)
		return err_set(err, 0, "--console-socket given but process.terminal is false");
	if (!(p->launch.nargs && plan_provides(p, p->launch.args[0])))
		return exec_check(p->rootfs, &p->launch, err);
	return 0;
}

/* The client's argument vector: `vxn [globals] pod-client ...`. The
 * numbers are formatted into the struct; the paths stay c's and g's. */
struct client_argv {
	char launch_fd[12], ready_fd[12], rows[8], cols[8];
	const char *v[24];
};

static void client_argv(struct client_argv *a, const char *vxn, const struct vxn_globals *g,
			const struct exec_client_opts *c, int launch_fd, int ready_fd)
{
	size_t n = 0;

	snprintf(a->launch_fd, sizeof a->launch_fd, "%d", launch_fd);
	snprintf(a->ready_fd, sizeof a->ready_fd, "%d", ready_fd);
	snprintf(a->rows, sizeof a->rows, "%u", (unsigned)c->rows);
	snprintf(a->cols, sizeof a->cols, "%u", (unsigned)c->cols);
	a->v[n++] = vxn;
	if (g->log_path) {
		a->v[n++] = "--log";
		a->v[n++] = g->log_path;
	}
	if (g->log_json) {
		a->v[n++] = "--log-format";
		a->v[n++] = "json";
	}
	if (g->debug)
		a->v[n++] = "--debug";
	a->v[n++] = "pod-client";
	a->v[n++] = "--state-dir";
	a->v[n++] = c->state_dir;
	a->v[n++] = "--gate";
	a->v[n++] = c->gate;
	a->v[n++] = "--launch-fd";
	a->v[n++] = a->launch_fd;
	a->v[n++] = "--ready-fd";
	a->v[n++] = a->ready_fd;
	if (c->console_socket) {
		a->v[n++] = "--console-socket";
		a->v[n++] = c->console_socket;
	}
	if (c->terminal) {
		a->v[n++] = "--terminal";
		a->v[n++] = "--rows";
		a->v[n++] = a->rows;
		a->v[n++] = "--cols";
		a->v[n++] = a->cols;
	}
	a->v[n] = NULL;
}

static int wait_client_ready(int fd, struct vxn_err *err)
{
	char buf[VXN_ERROR_MAX + 2];
	ssize_t got = 0, n;

	while ((n = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0)
			got += n;
		if (got > 0 && buf[0] == 'R')
			break;
	}
	buf[got] = '\0';
	if (got > 0 && buf[0] == 'R')
		return 0;
	return err_set(err, 0, "%s", got > 1 ? buf + 1 : "the pod client died");
}

/* The launch frame for the client: a memfd, read from its start. */
static int launch_memfd(const struct exec_client_opts *c, struct vxn_err *err)
{
	int fd = memfd_create("vxn-pod-launch", MFD_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "memfd_create");
	if (write_all(fd, c->launch, c->launch_len) || lseek(fd, 0, SEEK_SET) != 0) {
		err_set(err, errno, "writing the container's launch data");
		close(fd);
		return -1;
	}
	return fd;
}

/* The client is a new process, `vxn pod-client` (cli/cmd_pod_client.c),
 * not a fork of create: it lives as long as the container, and a fork
 * would hold on to all create's memory for that long (its parsed spec, its
 * plan, libxl's state: 2.7 MiB of dom0 per container in tests/bench). */
static pid_t spawn_client(const struct vxn_globals *g, const struct exec_client_opts *c,
			  struct vxn_err *err)
{
	char vxn[PATH_MAX];
	struct client_argv av;
	int p[2], launch;

	/* the name for argv[0] and messages; the exec itself goes through
	 * /proc/self/exe, which holds even if the file was replaced since */
	int r = self_exe_path(vxn, sizeof vxn);
	if (r)
		return err_set(err, -r, "readlink /proc/self/exe");
	if ((launch = launch_memfd(c, err)) < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC)) {
		close(launch);
		return err_set(err, errno, "pipe");
	}
	client_argv(&av, vxn, g, c, launch, p[1]);
	pid_t pid = fork();
	if (pid == 0) {
		if (fcntl(launch, F_SETFD, 0) == 0 && fcntl(p[1], F_SETFD, 0) == 0)
			execv("/proc/self/exe", (char *const *)av.v);
		dprintf(p[1], "Estarting the pod client %s: %s", vxn, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	close(launch);
	if (pid < 0) {
		close(p[0]);
		return err_set(err, errno, "fork");
	}
	r = wait_client_ready(p[0], err);
	close(p[0]);
	if (r) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* Still the ready pipe from create? exec_client_run closes it once
 * connected, and the number may be another file's by then. */
static bool same_file(int fd, const struct stat *was)
{
	struct stat now;

	return fstat(fd, &now) == 0 && now.st_dev == was->st_dev && now.st_ino == was->st_ino;
}

int member_client_run(const struct member_client_args *a, struct vxn_err *err)
{
	struct stat ready;
	void *launch = NULL;
	size_t len = 0;
	int r;

	if (fstat(a->ready_fd, &ready) || !S_ISFIFO(ready.st_mode))
		return err_set(err, 0, "--ready-fd %d is not a pipe", a->ready_fd);
	if ((r = read_bounded(a->launch_fd, VXN_FRAME_MAX_PAYLOAD, &launch, &len)))
		err_set(err, -r, "reading the container's launch data from fd %d", a->launch_fd);
	else if (len == 0)
		err_set(err, 0, "no launch data on fd %d", a->launch_fd);
	else {
		close(a->launch_fd);
		struct exec_client_opts c = {
			.state_dir = a->state_dir, .launch = launch, .launch_len = len,
			.terminal = a->terminal, .console_socket = a->console_socket,
			.rows = a->rows, .cols = a->cols, .notify_fd = -1,
			.start_type = VXN_F_CTR_START, .ready_fd = a->ready_fd, .gate = a->gate,
		};
		exec_client_run(&c, err);
	}
	if (same_file(a->ready_fd, &ready))  /* not connected: create reads why */
		dprintf(a->ready_fd, "E%s", err->msg);
	free(launch);
	return -1;
}

static int record(const struct member_create_args *a, const struct vxn_plan *p,
		  const char *prefix, const char *domain, pid_t client, struct vxn_err *err)
{
	char created[64];
	struct timespec now;
	struct vxn_state st = {
		.id = (char *)a->id, .bundle = (char *)a->bundle, .rootfs = p->rootfs,
		.created = created, .owner = "", .annotations = a->spec->annotations,
		.nannotations = a->spec->nannotations, .monitor_pid = client,
		.monitor_start = proc_start_time(client), .domain_name = (char *)domain,
		.sandbox = (char *)a->sandbox_id, .pod_entry = (char *)prefix,
	};

	clock_gettime(CLOCK_REALTIME, &now);
	rfc3339_nano(&now, created, sizeof(created));
	return state_write(a->dir, &st, err);
}

/* Plan, entries, client: the steps that hold the pod's lock. */
static int prepare_entries(const struct member_create_args *a, const char *export,
			   char prefix[16], struct vxn_plan *p, const struct vxn_create_opts *o,
			   struct vxn_err *err)
{
	int lock = pod_lock(export, prefix, err);
	if (lock < 0)
		return -1;
	int r = plan_member(a->spec, a->cfg, a->id, a->bundle, a->dir, export, prefix, p, err);
	if (r == 0 && (r = checks(o, p, err)) == 0)
		r = pod_entries_add(p, export, prefix, err);
	pod_lock_release(lock);
	return r;
}

int member_create(const struct vxn_globals *g, const struct vxn_create_opts *o,
		  const struct member_create_args *a, pid_t *client, struct vxn_err *err)
{
	char sdir[PATH_MAX], export[PATH_MAX], gate[PATH_MAX], domain[DOMAIN_NAME_MAX + 1];
	char prefix[16] = "";
	struct vxn_plan p;
	uint8_t *frame = NULL;
	size_t len = 0;
	bool entries = false;
	pid_t pid = -1;
	int r;

	memset(&p, 0, sizeof p);
	path_in(a->dir, GATE_FIFO, gate, sizeof gate);
	r = sandbox_of(g, a->sandbox_id, sdir, domain, sizeof domain, err);
	if (r == 0)
		r = pod_export_path(sdir, export, sizeof export, err);
	if (r == 0 && (r = prepare_entries(a, export, prefix, &p, o, err)) == 0)
		entries = true;
	if (r == 0)
		r = start_frame(&p, a->id, &frame, &len, err);
	if (r == 0 && mkfifo(gate, 0600))
		r = err_set(err, errno, "mkfifo %s", gate);
	struct exec_client_opts c = {
		.state_dir = sdir, .launch = frame, .launch_len = len,
		.terminal = p.launch.terminal, .console_socket = o->console_socket,
		.rows = p.launch.rows, .cols = p.launch.cols, .notify_fd = -1,
		.start_type = VXN_F_CTR_START, .ready_fd = -1, .gate = gate,
	};
	if (r == 0 && (pid = spawn_client(g, &c, err)) < 0)
		r = -1;
	if (r == 0)
		r = record(a, &p, prefix, domain, pid, err);
	if (r == 0 && o->pid_file)
		r = pidfile_write(o->pid_file, pid, err);
	if (r) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		if (entries)
			pod_entries_remove(export, prefix);
		unlink(gate);
	} else {
		log_debug("pod container %s: client %d in pod %s, entries %s*", a->id, (int)pid,
			  a->sandbox_id, prefix);
		if (client)
			*client = pid;
	}
	free(frame);
	plan_free(&p);
	return r;
}

int member_refuse(const struct vxn_state *st, const char *id, const char *verb,
		  struct vxn_err *err)
{
	if (!st->sandbox)
		return 0;
	return err_set(err, 0, "%s of container %s: it runs in the guest of pod sandbox %s, "
		       "shared by the whole pod; %s works on the sandbox only", verb, id,
		       st->sandbox, verb);
}

enum vxn_status member_status(const struct vxn_state *st, const char *dir)
{
	char mark[PATH_MAX];

	if (!container_pid_alive(st))
		return VXN_STATUS_STOPPED;
	path_in(dir, STARTED_MARK, mark, sizeof mark);
	return access(mark, F_OK) == 0 ? VXN_STATUS_RUNNING : VXN_STATUS_CREATED;
}

/* The client's word through the gate: "S", or "E<text>". */
static int gate_read(const struct vxn_state *st, int fd, struct vxn_err *err)
{
	char buf[VXN_ERROR_MAX + 2];
	size_t got = 0;

	for (int waited = 0; waited < START_WAIT_MS;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int k = poll(&pfd, 1, 200);
		if (k == 0) {
			waited += 200;
			if (!container_pid_alive(st))
				break;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		break;  /* EOF: the client closed the gate */
	}
	buf[got] = '\0';
	if (got > 0 && buf[0] == 'S')
		return 0;
	return err_set(err, 0, "%s", got > 1 ? buf + 1 : "the container's process did not start");
}

int member_start(const struct vxn_state *st, const char *dir, struct vxn_err *err)
{
	char mark[PATH_MAX], gate[PATH_MAX];

	path_in(dir, STARTED_MARK, mark, sizeof mark);
	path_in(dir, GATE_FIFO, gate, sizeof gate);
	int m = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (m < 0)
		return err_set(err, errno, "create %s", mark);
	close(m);
	/* non-blocking: a client that died never opens its end */
	int fd = open(gate, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		unlink(mark);
		return err_set(err, errno, "open %s", gate);
	}
	int r = gate_read(st, fd, err);
	close(fd);
	unlink(gate);
	return r;
}

int member_kill(const struct vxn_state *st, int signo, struct vxn_err *err)
{
	if (!container_pid_alive(st))
		return err_set(err, 0, "container not running");
	union sigval v = { .sival_int = signo };
	if (sigqueue(st->monitor_pid, VXN_RELAY_SIGNAL, v))
		return err_set(err, errno, "signalling the container's client %d", st->monitor_pid);
	return 0;
}

void member_remove(const struct vxn_globals *g, const struct vxn_state *st)
{
	char sdir[PATH_MAX], export[PATH_MAX];
	struct vxn_err err;

	char mark[PATH_MAX + 16], dir[PATH_MAX];
	/* a client still at the gate reads no signals: nothing of it runs in
	 * the guest yet, so it simply goes */
	if (container_pid_alive(st) && container_state_dir(g, st->id, dir, sizeof dir, &err) == 0) {
		path_in(dir, STARTED_MARK, mark, sizeof mark);
		if (access(mark, F_OK) != 0)
			kill(st->monitor_pid, SIGKILL);
	}
	if (container_pid_alive(st)) {
		member_kill(st, SIGKILL, &err);
		if (!container_pid_wait_gone(st, END_WAIT_MS)) {
			log_warn("pod client %d did not end: killing it", st->monitor_pid);
			kill(st->monitor_pid, SIGKILL);
			container_pid_wait_gone(st, END_WAIT_MS);
		}
	}
	if (container_state_dir(g, st->sandbox, sdir, sizeof sdir, &err) == 0 &&
	    pod_export_path(sdir, export, sizeof export, &err) == 0 && st->pod_entry)
		pod_entries_remove(export, st->pod_entry);
}

int member_sandbox_dir(const struct vxn_globals *g, const struct vxn_state *st, char *out,
		       size_t cap, struct vxn_err *err)
{
	return container_state_dir(g, st->sandbox, out, cap, err);
}
