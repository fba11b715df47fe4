/* Root disk images with the standard tools, run without a shell.
 *
 * ext4 is made without a journal (-O ^has_journal): the image lives only as
 * long as the container and is deleted with it, so crash consistency buys
 * nothing, while the journal costs mkfs time and 4+ MiB of image per
 * container. For the same reason no metadata checksums and no room for
 * online resizing (^metadata_csum,^resize_inode): mkfs of a busybox root
 * 1.2x faster in the lab (490 -> 410 ms), the same mount in the guest.
 * -m 0: no blocks reserved for root on a single-user disk.
 * Copy-ins (engine files such as /etc/hosts) go into the finished image with
 * `debugfs -w -f CMDFILE`: no staging copy of the whole rootfs. */
#include "rootdisk.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

#define MIB (1024ull * 1024)
#define BLOCK 4096ull

static uint64_t tree_bytes, tree_files;

static int count_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path; (void)flag; (void)f;
	uint64_t sz = S_ISREG(st->st_mode) || S_ISLNK(st->st_mode) ? (uint64_t)st->st_size : 0;

	/* what ext4 needs, independent of the host filesystem's st_blocks */
	tree_bytes += (sz + BLOCK - 1) / BLOCK * BLOCK + (S_ISDIR(st->st_mode) ? BLOCK : 0);
	tree_files++;
	return 0;
}

uint64_t rootdisk_ext4_size(uint64_t used, uint64_t files)
{
	/* used x 1.3 + 32 MiB, plus room for the inode tables of the files */
	uint64_t size = used + used * 3 / 10 + 32 * MIB + files * 256;

	return (size + MIB - 1) / MIB * MIB;
}

static int measure(const char *dir, uint64_t *bytes, uint64_t *files, struct vxn_err *err)
{
	tree_bytes = tree_files = 0;
	if (nftw(dir, count_entry, 64, FTW_PHYS))
		return err_set(err, errno, "reading rootfs %s", dir);
	*bytes = tree_bytes;
	*files = tree_files;
	return 0;
}

/* Creates the image at its final size and starts mke2fs on it. */
static int start_ext4(const struct vxn_plan *p, struct spawn_job *job, struct vxn_err *err)
{
	uint64_t used = 0, files = 0;
	char size[32], inodes[32];

	if (measure(p->rootfs, &used, &files, err))
		return -1;
	uint64_t bytes = rootdisk_ext4_size(used, files);
	int fd = open(p->disk_image, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, errno, "create %s", p->disk_image);
	int r = ftruncate(fd, (off_t)bytes);  /* sparse: costs only what mkfs writes */
	int e = errno;
	close(fd);
	if (r)
		return err_set(err, e, "size %s", p->disk_image);
	snprintf(size, sizeof(size), "%" PRIu64 "k", bytes / 1024);
	snprintf(inodes, sizeof(inodes), "%" PRIu64, files + files / 4 + 1024);
	log_debug("rootdisk: %s: %" PRIu64 " bytes in %" PRIu64 " files -> %s ext4",
		  p->rootfs, used, files, size);
	char *argv[] = { "mke2fs", "-q", "-F", "-t", "ext4",
			 "-O", "^has_journal,^resize_inode,^metadata_csum", "-m", "0",
			 "-N", inodes, "-E", "root_owner=0:0", "-d", p->rootfs, p->disk_image,
			 size, NULL };
	return spawn_tool_start(argv, job, err);
}

static int make_erofs(const struct vxn_plan *p, struct vxn_err *err)
{
	char *argv[] = { "mkfs.erofs", p->disk_image, p->rootfs, NULL };

	return spawn_tool(argv, err);
}

/* debugfs's command parser splits on blanks and knows quotes: refuse any
 * path it could misread rather than trying to escape it. */
static bool debugfs_safe(const char *s)
{
	if (!s || s[0] != '/')
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c == '"' || *c == '\\' || *c == 0x7f)
			return false;
	return true;
}

/* mkdir of each parent of dest (errors for existing ones are harmless). */
static void write_parents(FILE *f, const char *dest)
{
	for (const char *s = strchr(dest + 1, '/'); s; s = strchr(s + 1, '/'))
		fprintf(f, "mkdir %.*s\n", (int)(s - dest), dest);
}

static int write_copy_in_cmds(const struct vxn_plan *p, const char *cmdfile,
			      struct vxn_err *err)
{
	FILE *f = fopen(cmdfile, "wxe");

	if (!f)
		return err_set(err, errno, "create %s", cmdfile);
	for (size_t i = 0; i < p->ncopy_in; i++) {
		const struct vxn_copy_in *c = &p->copy_in[i];
		if (!debugfs_safe(c->source) || !debugfs_safe(c->destination)) {
			fclose(f);
			return err_set(err, EINVAL, "cannot copy %s to %s into the root disk: "
				       "unsupported characters in path", c->source, c->destination);
		}
		write_parents(f, c->destination);
		/* replaces a file or symlink the image has there, as a bind mount hides it */
		fprintf(f, "rm %s\nwrite %s %s\n", c->destination, c->source, c->destination);
	}
	if (fclose(f))
		return err_set(err, errno, "write %s", cmdfile);
	return 0;
}

static int copy_in(const struct vxn_plan *p, struct vxn_err *err)
{
	char cmdfile[4096];
	int r;

	if (p->ncopy_in == 0)
		return 0;
	if (strcmp(p->disk_format, "ext4") != 0) {
		log_warn("rootdisk: %zu host files not copied: %s images are read-only",
			 p->ncopy_in, p->disk_format);
		return 0;
	}
	snprintf(cmdfile, sizeof(cmdfile), "%s.copy-in", p->disk_image);
	if (write_copy_in_cmds(p, cmdfile, err)) {
		unlink(cmdfile);
		return -1;
	}
	char *argv[] = { "debugfs", "-w", "-f", cmdfile, p->disk_image, NULL };
	r = spawn_tool(argv, err);
	unlink(cmdfile);
	return r;
}

/* 1 when the cache had the image, 0 to make it (a cache that fails is only
 * logged: the image is made as without one). */
static int start_from_cache(const struct vxn_plan *p, struct rootdisk_job *job)
{
	struct vxn_err e;
	int r;

	if (!job->cache)
		return 0;
	if (rootdisk_key_make(p->rootfs, p->disk_format, &job->key, &e)) {
		log_debug("rootdisk cache: %s", e.msg);
		return 0;
	}
	r = rootdisk_cache_get(job->cache, &job->key, p->disk_image, &e);
	if (r < 0)
		log_warn("rootdisk cache: %s", e.msg);
	log_debug("rootdisk cache: %s %016llx", r == 1 ? "hit" : "miss",
		  (unsigned long long)job->key.hash);
	return r == 1;
}

/* Keep a made image if the tree did not change while mkfs read it. */
static void keep_in_cache(const struct vxn_plan *p, struct rootdisk_job *job)
{
	struct rootdisk_key now;
	struct vxn_err e;

	if (!job->cache || job->from_cache || !rootdisk_key_settled(&job->key))
		return;
	if (rootdisk_key_make(p->rootfs, p->disk_format, &now, &e) == 0 &&
	    rootdisk_key_equal(&now, &job->key) &&
	    rootdisk_cache_put(job->cache, &job->key, p->disk_image, &e))
		log_warn("rootdisk cache: %s", e.msg);
	rootdisk_key_free(&now);
}

int rootdisk_start(const struct vxn_plan *p, const struct rootdisk_cache *cache,
		   struct rootdisk_job *job, struct vxn_err *err)
{
	struct stat st;
	int r;

	memset(job, 0, sizeof(*job));
	job->cache = cache;
	if (stat(p->rootfs, &st))
		return err_set(err, errno, "rootfs %s", p->rootfs);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ENOTDIR, "rootfs %s", p->rootfs);
	if (strcmp(p->disk_format, "erofs") && strcmp(p->disk_format, "ext4"))
		return err_set(err, EINVAL, "unknown disk format %s", p->disk_format);
	job->from_cache = start_from_cache(p, job);
	if (job->from_cache)
		r = 0;
	else if (strcmp(p->disk_format, "erofs") == 0)
		r = make_erofs(p, err);  /* its size is known only at the end */
	else
		r = start_ext4(p, &job->mkfs, err);
	if (r) {
		rootdisk_key_free(&job->key);
		unlink(p->disk_image);
		return err_wrap(err, "building the root disk");
	}
	job->started = true;
	return 0;
}

int rootdisk_start_shared(const struct vxn_plan *p, const char *image,
			  struct rootdisk_job *job, struct vxn_err *err)
{
	memset(job, 0, sizeof(*job));
	/* read-write, one guest could change the image under all the others */
	if (!p->disk_readonly || strcmp(p->disk_format, "erofs") || p->ncopy_in)
		return err_set(err, EINVAL, "a shared root disk must be read-only EROFS");
	if (link(image, p->disk_image) == 0) {
		log_debug("rootdisk: %s shared", image);
	} else if (errno == EEXIST) {
		return err_set(err, errno, "link %s to %s", image, p->disk_image);
	} else if (copy_sparse(image, p->disk_image, err)) {  /* EXDEV, EPERM, EMLINK... */
		return err_wrap(err, "building the root disk");
	}
	job->started = true;
	return 0;
}

int rootdisk_finish(const struct vxn_plan *p, struct rootdisk_job *job, struct vxn_err *err)
{
	int r = 0;

	if (!job->started)
		return err_set(err, EINVAL, "root disk not started");
	job->started = false;
	if (job->mkfs.pid > 0)
		r = spawn_tool_wait(&job->mkfs, err);
	if (r == 0)
		keep_in_cache(p, job);  /* before the copy-ins, which are this container's */
	rootdisk_key_free(&job->key);
	if (r == 0)
		r = copy_in(p, err);
	if (r) {
		unlink(p->disk_image);
		return err_wrap(err, "building the root disk");
	}
	return 0;
}

void rootdisk_abort(const struct vxn_plan *p, struct rootdisk_job *job)
{
	if (!job->started)
		return;
	job->started = false;
	spawn_tool_abort(&job->mkfs);
	rootdisk_key_free(&job->key);
	unlink(p->disk_image);
}
