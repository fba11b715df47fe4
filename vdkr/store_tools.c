/* What fills and reads the store: skopeo (pull, load, save) and umoci
 * (unpack), run with an argument vector, never through a shell. */
#include "store.h"

#include <errno.h>
#include <libgen.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "log.h"
#include "spawn.h"
#include "toolmsg.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	if (remove(path) && errno != ENOENT)
		log_warn("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* With a terminal, the tool's own progress lines go to it (stderr); its
 * stdout never reaches ours, which may be a pipe a script reads. */
static int run_visible(char *const argv[], struct vxn_err *err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	char path[64];
	int status;
	pid_t parent = getpid(), pid;

	snprintf(path, sizeof(path), "/usr/bin/%s", argv[0]);
	if ((pid = fork()) < 0)
		return err_set(err, errno, "fork");
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent || dup2(2, 1) < 0)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set(err, errno, "waiting for %s", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return err_set(err, 0, "%s failed (see above)", argv[0]);
	return 0;
}

/* A pull left by a vdkr that was killed: only the holder of the exclusive
 * lock pulls, so under it every ROOT/tmp entry is such a leftover. */
static void clean_tmp(struct store *s)
{
	char dir[PATH_MAX];

	if ((size_t)snprintf(dir, sizeof(dir), "%s/tmp", s->root) >= sizeof(dir))
		return;
	remove_tree(dir);
	mkdir(dir, 0700);
}

/* What the filesystem of dir has left; false when statvfs fails. */
static bool room_of(const char *dir, struct fs_room *r)
{
	struct statvfs st;

	if (statvfs(dir, &st))
		return false;
	r->free_bytes = (uint64_t)st.f_bavail * st.f_frsize;
	r->free_files = st.f_favail;
	r->files_total = st.f_files;
	return true;
}

/* umoci failed in dir, of the store: for lack of room? need and before as
 * toolmsg_out_of_room's. */
static bool out_of_room(const char *msg, const char *dir, const struct fs_room *before,
			uint64_t need)
{
	struct fs_room after;

	return toolmsg_out_of_room(msg, before, room_of(dir, &after) ? &after : NULL, need);
}

static int no_room(struct store *s, const char *what, struct vxn_err *err)
{
	return err_set(err, ENOSPC, "%s: writing the image store %s", what, s->root);
}

static int copy_to(struct store *s, const struct pull_src *p, const char *tmp, bool progress,
		   struct vxn_err *err)
{
	char blobs[PATH_MAX + 8], dest[PATH_MAX + REF_MAX + 8];
	char *argv[12];
	int n = 0;

	snprintf(blobs, sizeof(blobs), "%s/blobs", s->layout);
	snprintf(dest, sizeof(dest), "oci:%s:%s", tmp, p->name);
	argv[n++] = "skopeo";
	argv[n++] = "copy";
	if (!progress)
		argv[n++] = "--quiet";
	if (p->plain_http)
		argv[n++] = "--src-tls-verify=false";
	argv[n++] = "--dest-shared-blob-dir";
	argv[n++] = blobs;
	argv[n++] = (char *)p->source;
	argv[n++] = dest;
	argv[n] = NULL;
	if (progress ? run_visible(argv, err) : spawn_tool(argv, err)) {
		const char *what = p->registry ? p->name : p->source;
		char msg[VXN_ERR_MAX];
		if (toolmsg_no_space(err->msg))  /* skopeo says so */
			return no_room(s, what, err);
		toolmsg_pull(err->msg, p->registry, what, msg, sizeof(msg));
		return err_set(err, 0, "%s", msg);
	}
	return 0;
}

/* The finished pull's one manifest, added to the store's index. */
static int commit(struct store *s, const char *tmp, const char *name, struct vxn_err *err)
{
	struct store t = { .lock_fd = -1 };
	struct imgindex ix;
	struct imgindex_entry e;
	struct manifest m;

	snprintf(t.layout, sizeof(t.layout), "%s", tmp);
	if (store_lookup(&t, name, &e, err) != 1)
		return err_set(err, 0, "skopeo left no image %s", name);
	if (store_manifest(s, e.digest, &m, err))  /* its blobs are in the shared dir */
		return -1;
	manifest_free(&m);
	if (store_index(s, &ix, err))
		return -1;
	int r = imgindex_put(&ix, &e, err);
	if (r == 0)
		r = store_write_index(s, &ix, err);
	imgindex_free(&ix);
	return r;
}

int store_pull(struct store *s, const struct pull_src *p, bool progress, struct vxn_err *err)
{
	struct vxn_err gc_err = { 0 };
	char tmp[PATH_MAX];
	int r;

	clean_tmp(s);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/tmp/pull-XXXXXX", s->root) >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "state directory");
	if (!mkdtemp(tmp))
		return err_set(err, errno, "mkdtemp %s", tmp);
	r = copy_to(s, p, tmp, progress, err);
	if (r == 0)
		r = commit(s, tmp, p->name, err);
	remove_tree(tmp);
	/* the blobs a failed pull did write are in no image: not kept */
	if (r && store_collect(s, &gc_err))
		log_warn("after the failed pull: %s", gc_err.msg);
	return r;
}

int store_unpack(struct store *s, const char *name, const char *bundle, struct vxn_err *err)
{
	char image[PATH_MAX + REF_MAX + 8];
	char *argv[] = { "umoci", "unpack", "--image", image, (char *)bundle, NULL };

	snprintf(image, sizeof(image), "%s:%s", s->layout, name);
	if (spawn_tool(argv, err)) {
		char msg[VXN_ERR_MAX];
		toolmsg_reason(err->msg, msg, sizeof(msg));
		return err_set(err, 0, "unpacking %s: %s", name, msg);
	}
	return 0;
}

/* skopeo writes into an empty file only (docker-archive refuses to change
 * an archive): a new one beside dest, renamed over it once whole, as
 * docker's save -o replaces the file; a failed save leaves none. */
int store_save(struct store *s, const char *name, const char *dest, const char *tag,
	       struct vxn_err *err)
{
	char src[PATH_MAX + REF_MAX + 8], dst[PATH_MAX + REF_MAX + 32], tmp[PATH_MAX];
	char *argv[] = { "skopeo", "copy", "--quiet", src, dst, NULL };
	int fd;

	if (strchr(dest, ':'))
		return err_set(err, 0, "%s: an output path must not contain ':'", dest);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.vdkr-XXXXXX", dest) >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "%s", dest);
	if ((fd = mkstemp(tmp)) < 0)
		return err_set(err, errno, "%s", dest);
	mode_t mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);  /* as a file skopeo would have made */
	close(fd);
	snprintf(src, sizeof(src), "oci:%s:%s", s->layout, name);
	snprintf(dst, sizeof(dst), "docker-archive:%s:%s", tmp, tag);
	if (spawn_tool(argv, err)) {
		char msg[VXN_ERR_MAX];
		unlink(tmp);
		toolmsg_reason(err->msg, msg, sizeof(msg));
		if (toolmsg_no_space(msg))
			return err_set(err, ENOSPC, "saving %s to %s", name, dest);
		return err_set(err, 0, "saving %s: %s", name, msg);
	}
	if (rename(tmp, dest)) {
		int e = errno;
		unlink(tmp);
		return err_set(err, e, "saving %s: rename to %s", name, dest);
	}
	return 0;
}

/* The image's layers as stored (0 when its manifest cannot be read). */
static uint64_t layers_size(struct store *s, const char *digest)
{
	struct manifest m;
	struct vxn_err err;

	if (store_manifest(s, digest, &m, &err))
		return 0;
	uint64_t n = m.layers_size;
	manifest_free(&m);
	return n;
}

/* mkfs.erofs of bundle's rootfs into bundle/STORE_ROOT_IMAGE. -1 with err
 * when it failed (no image left); the caller decides what that costs. */
static int make_root_image(const char *bundle, struct vxn_err *err)
{
	char image[PATH_MAX + 16], rootfs[PATH_MAX + 8];
	char *argv[] = { "mkfs.erofs", "--quiet", "--preserve-mtime", image, rootfs, NULL };

	if ((size_t)snprintf(image, sizeof(image), "%s/" STORE_ROOT_IMAGE, bundle) >= sizeof(image) ||
	    (size_t)snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle) >= sizeof(rootfs))
		return err_set(err, ENAMETOOLONG, "%s", bundle);
	if (spawn_tool(argv, err) == 0)
		return 0;
	unlink(image);
	return err_wrap(err, "making the image's root disk");
}

int store_unpacked(struct store *s, const char *name, const char *digest, char *dir, size_t len,
		   struct vxn_err *err)
{
	char tmp[PATH_MAX], bundle[PATH_MAX + 8], what[REF_MAX + 16];
	struct fs_room before;
	struct stat st;
	int r;

	if (!digest_valid(digest) ||
	    (size_t)snprintf(dir, len, "%s/unpacked/%s", s->root, digest + 7) >= len ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/unpacked/.tmp-XXXXXX", s->root) >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "unpacked image of %s", name);
	if (stat(dir, &st) == 0)
		return 0;
	if ((r = mkdir_p(dirname(strcpy(bundle, tmp)), 0700)) < 0)
		return err_set(err, -r, "%s", bundle);
	if (!mkdtemp(tmp))
		return err_set(err, errno, "mkdtemp %s", tmp);
	snprintf(bundle, sizeof(bundle), "%s/b", tmp);
	bool known = room_of(tmp, &before);
	r = store_unpack(s, name, bundle, err);
	bool no_disk = r == 0 && make_root_image(bundle, err);
	/* an unpack takes at least the room of its layers as stored; without
	 * the shared disk for another reason (no mkfs.erofs, a tree it cannot
	 * encode), each container gets a disk of its own */
	if ((r || no_disk) && out_of_room(err->msg, tmp, known ? &before : NULL,
					  layers_size(s, digest))) {
		snprintf(what, sizeof(what), "unpacking %s", name);
		r = no_room(s, what, err);
	} else if (no_disk) {
		log_warn("%s: each container of the image gets a root disk of its own", err->msg);
	}
	/* another run of the same image may have put its own there first */
	if (r == 0 && rename(bundle, dir) && errno != EEXIST && errno != ENOTEMPTY)
		r = err_set(err, errno, "rename %s", dir);
	remove_tree(tmp);
	return r;
}
