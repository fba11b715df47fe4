#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "mounts.h"
#include "paths.h"


static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int open_pipes(struct proc *p, struct child_stdio *c, struct vxn_err *err)
{
	int in[2], out[2], er[2];

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(er, O_CLOEXEC))
		return err_set(err, errno, "pipe");
	*c = (struct child_stdio){ { in[0], out[1], er[1] } };
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = er[0];
	if (set_nonblock(p->in_fd) || set_nonblock(p->out_fd) || set_nonblock(p->err_fd))
		return err_set(err, errno, "pipe flags");
	/* a quarter window: the writer blocks (a switch to guest-init and back,
	 * slow in a PV guest) four times per MiB rather than sixteen */
	fcntl(p->out_fd, F_SETPIPE_SZ, (int)(VXN_STREAM_WINDOW / 4));
	fcntl(p->err_fd, F_SETPIPE_SZ, (int)(VXN_STREAM_WINDOW / 4));
	return 0;
}

/* The pty comes from the container's own devpts when it mounted one, so the
 * process sees its terminal under its /dev/pts. */
static int open_ptmx(void)
{
	int fd = open(GUEST_ROOT "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	return fd;
}

static int open_pty(const struct vxn_launch *l, struct proc *p, struct child_stdio *c,
		    struct vxn_err *err)
{
	int unlock = 0;
	int master = open_ptmx();

	if (master < 0)
		return err_set(err, errno, "open ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) != 0)
		return err_set(err, errno, "unlock pty");
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return err_set(err, errno, "open pty slave");
	if (fchown(slave, l->uid, (gid_t)-1) != 0)
		(void)0; /* cosmetic: the process has the fd either way */
	if (l->rows && l->cols) {
		struct winsize ws = { .ws_row = l->rows, .ws_col = l->cols };
		ioctl(master, TIOCSWINSZ, &ws);
	}
	set_nonblock(master);
	*c = (struct child_stdio){ { slave, slave, slave } };
	p->in_fd = p->out_fd = master;
	p->err_fd = -1;
	return 0;
}

static void close_child_ends(struct child_stdio *c)
{
	for (int i = 0; i < 3; i++)
		if (c->fd[i] >= 0 && (i == 0 || c->fd[i] != c->fd[i - 1]))
			close(c->fd[i]);
}

int proc_start(const struct vxn_launch *l, const struct proc_place *place, struct proc *p,
	       struct exec_report *rep, struct vxn_err *err)
{
	struct child_stdio c;
	int rp[2];

	memset(rep, 0, sizeof *rep);
	p->terminal = l->terminal;
	if ((l->terminal ? open_pty(l, p, &c, err) : open_pipes(p, &c, err)) != 0)
		return -1;
	if (pipe2(rp, O_CLOEXEC) != 0)
		return err_set(err, errno, "pipe");
	p->pid = fork();
	if (p->pid < 0)
		return err_set(err, errno, "fork");
	if (p->pid == 0) {
		close(rp[0]);
		exec_child(l, place, &c, rp[1]);
	}
	close(rp[1]);
	close_child_ends(&c);
	/* EOF without a report: the exec happened and closed the pipe */
	ssize_t n;
	do
		n = read(rp[0], rep, sizeof *rep);
	while (n < 0 && errno == EINTR);
	close(rp[0]);
	if (n != (ssize_t)sizeof *rep)
		memset(rep, 0, sizeof *rep);
	rep->text[sizeof rep->text - 1] = '\0';
	return 0;
}
