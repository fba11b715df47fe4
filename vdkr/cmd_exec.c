/* exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u USER[:GROUP]] CONTAINER CMD...: vxn's
 * container_exec, which relays the process's stdio to ours and exits with
 * its status; a user name is looked up in the container's own passwd, since
 * vxn takes numbers only (as runc does). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr.h"
#include "runspec.h"

#define EXEC_MAX_ENV 256

struct exec_flags {
	struct vxn_exec_opts o;
	char *env[EXEC_MAX_ENV];
	bool interactive;
	const char *user;
};

static int parse(int argc, char **argv, struct exec_flags *f, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "interactive", no_argument, NULL, 'i' }, { "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' }, { "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' }, { "user", required_argument, NULL, 'u' },
		{ 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "+itde:w:u:", opts, NULL)) != -1) {
		switch (o) {
		case 'i': f->interactive = true; break;
		case 't': f->o.tty = true; break;  /* vxn's exec drives our terminal itself */
		case 'd': f->o.detach = true; break;
		case 'e':
			if (f->o.nenv >= EXEC_MAX_ENV)
				return err_set(err, 0, "more than %d -e", EXEC_MAX_ENV);
			f->env[f->o.nenv++] = optarg;
			break;
		case 'w': f->o.cwd = optarg; break;
		case 'u': f->user = optarg; break;
		default: return vdkr_bad_flag(argc, argv, err);
		}
	}
	if (argc - optind < 2)
		return err_set(err, 0, "\"exec\" requires at least 2 arguments");
	f->o.env = f->env;
	f->o.args = argv + optind + 1;
	f->o.nargs = (size_t)(argc - optind - 1);
	return 0;
}

int cmd_exec(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	struct exec_flags f = { 0 };
	char user[32];
	struct ctr t;

	if (parse(argc, argv, &f, err) || ctr_find(c, argv[optind], &t, err))
		return -1;
	if (f.user) {
		cleanup_free char *passwd = ctr_rootfs_file(c, &t, "etc/passwd");
		cleanup_free char *group = ctr_rootfs_file(c, &t, "etc/group");
		uint32_t uid, gid;
		if (user_resolve(f.user, passwd, group, &uid, &gid, err))
			return -1;
		snprintf(user, sizeof(user), "%u:%u", uid, gid);
		f.o.user = user;
	}
	if (!f.interactive) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0)
			return err_set(err, errno, "/dev/null");
		close(null);
	}
	if (container_exec(&c->g, t.id, &f.o, err))
		return -1;
	return 0;
}
