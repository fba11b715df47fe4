/* fork + execve with an argument vector: no user string ever meets a shell. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define OUTPUT_MAX 4096

static const char *const tool_dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

static int tool_path(const char *name, char *path, size_t len)
{
	for (size_t i = 0; i < sizeof(tool_dirs) / sizeof(tool_dirs[0]); i++) {
		snprintf(path, len, "%s/%s", tool_dirs[i], name);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

static void child_exec(const char *path, char *const argv[], int out_fd, pid_t parent,
		       int netns_fd)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	int null;

	/* a create killed with SIGKILL takes its mke2fs along, so that a
	 * following delete --force finds nothing still writing */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
	if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET))
		_exit(126);
	null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execve(path, argv, envp);
	_exit(127);
}

/* Reads the child's output until EOF, keeping the last OUTPUT_MAX bytes. */
static size_t drain(int fd, char *buf)
{
	size_t len = 0;
	char chunk[1024];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (len + (size_t)n >= OUTPUT_MAX)
			len = 0;  /* keep the tail: errors come last */
		memcpy(buf + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static const char *last_line(char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	char *nl = strrchr(buf, '\n');
	return nl ? nl + 1 : buf;
}

static int start_in(char *const argv[], int netns_fd, struct spawn_job *job,
		    struct vxn_err *err)
{
	char path[PATH_MAX];
	int pipefd[2];
	pid_t parent = getpid();

	memset(job, 0, sizeof(*job));
	job->out_fd = -1;
	snprintf(job->name, sizeof(job->name), "%s", argv[0]);
	if (tool_path(argv[0], path, sizeof(path)))
		return err_set(err, ENOENT, "%s not found", argv[0]);
	if (pipe2(pipefd, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	job->pid = fork();
	if (job->pid < 0) {
		job->pid = 0;
		close(pipefd[0]);
		close(pipefd[1]);
		return err_set(err, errno, "fork");
	}
	if (job->pid == 0)
		child_exec(path, argv, pipefd[1], parent, netns_fd);
	close(pipefd[1]);
	job->out_fd = pipefd[0];
	return 0;
}

int spawn_tool_start(char *const argv[], struct spawn_job *job, struct vxn_err *err)
{
	return start_in(argv, -1, job, err);
}

int spawn_tool_in_netns(char *const argv[], int netns_fd, struct vxn_err *err)
{
	struct spawn_job job;

	if (start_in(argv, netns_fd, &job, err))
		return -1;
	return spawn_tool_wait(&job, err);
}

int spawn_tool_wait(struct spawn_job *job, struct vxn_err *err)
{
	char out[OUTPUT_MAX + 1];
	int status;

	if (job->pid <= 0)
		return err_set(err, ECHILD, "%s: not started", job->name);
	size_t len = drain(job->out_fd, out);
	close(job->out_fd);
	job->out_fd = -1;
	while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
		;
	job->pid = 0;
	if (len)
		log_debug("%s: %s", job->name, out);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, 0, "%s failed (status 0x%x): %s", job->name, status,
			       last_line(out, len));
	return 0;
}

void spawn_tool_abort(struct spawn_job *job)
{
	if (job->pid <= 0)
		return;
	kill(job->pid, SIGKILL);
	while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(job->out_fd);
	job->pid = 0;
	job->out_fd = -1;
}

int spawn_tool(char *const argv[], struct vxn_err *err)
{
	struct spawn_job job;

	if (spawn_tool_start(argv, &job, err))
		return -1;
	return spawn_tool_wait(&job, err);
}
