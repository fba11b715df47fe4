/* vxn spec: a starting config.json like `runc spec`, for a bundle whose
 * root filesystem is BUNDLE/rootfs. Never overwrites an existing file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"

#define SPEC_CAPS "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"

static const char default_spec[] =
	"{\n"
	"  \"ociVersion\": \"1.0.2\",\n"
	"  \"process\": {\n"
	"    \"terminal\": true,\n"
	"    \"user\": {\"uid\": 0, \"gid\": 0},\n"
	"    \"args\": [\"sh\"],\n"
	"    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
	"    \"cwd\": \"/\",\n"
	/* runc spec's set: without one a process gets no capabilities */
	"    \"capabilities\": {\"bounding\": " SPEC_CAPS ", \"effective\": " SPEC_CAPS ", "
	"\"permitted\": " SPEC_CAPS ", \"ambient\": " SPEC_CAPS "},\n"
	"    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
	"    \"noNewPrivileges\": true\n"
	"  },\n"
	"  \"root\": {\"path\": \"rootfs\", \"readonly\": false},\n"
	"  \"hostname\": \"vxn\",\n"
	"  \"mounts\": [\n"
	"    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
	"    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
	"    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
	"    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
	"    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
	"    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}\n"
	"  ],\n"
	"  \"linux\": {\n"
	"    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}]\n"
	"  }\n"
	"}\n";

static int write_spec(const char *bundle, struct vxn_err *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/config.json", bundle) >= (int)sizeof path)
		return err_set(err, ENAMETOOLONG, "spec: bundle path");
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EEXIST)
		return err_set(err, 0, "File %s exists. Remove it first", path);
	if (fd < 0)
		return err_set(err, errno, "%s", path);
	size_t len = strlen(default_spec), off = 0;
	while (off < len) {
		ssize_t w = write(fd, default_spec + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			unlink(path);
			return err_set(err, e, "%s", path);
		}
		off += (size_t)w;
	}
	return 0;
}

int cmd_spec(const struct vxn_globals *g, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ 0 },
	};
	const char *bundle = ".";
	int c;
	(void)g;
	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c != 'r') /* --rootless: a guest needs no user namespace */
			return cli_bad_flag(argc, argv, err);
	}
	if (optind < argc)
		return cli_usage(err, "spec: unexpected argument '%.64s'", argv[optind]);
	return write_spec(bundle, err) < 0 ? CLI_ERR : 0;
}
