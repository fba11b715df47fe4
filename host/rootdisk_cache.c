#include "rootdisk_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Bumped whenever rootdisk.c makes images differently. */
#define MANIFEST_HEAD "vxn rootdisk cache 1\n"
/* A tree whose manifest is larger (some million files) is not cached. */
#define MANIFEST_MAX (64u * 1024 * 1024)
#define COPY_CHUNK (1u << 20)

/* nftw has no user pointer: the manifest being built. */
static struct {
	char *buf;
	size_t len, cap;
	size_t root_len;
	bool too_big;
	struct timespec newest;  /* the latest ctime in the tree */
} mf;

static void mf_add(const void *p, size_t n)
{
	if (mf.too_big || mf.len + n > MANIFEST_MAX) {
		mf.too_big = true;
		return;
	}
	if (mf.len + n > mf.cap) {
		size_t cap = mf.cap ? mf.cap * 2 : 64 * 1024;
		while (cap < mf.len + n)
			cap *= 2;
		char *b = realloc(mf.buf, cap);
		if (!b) {
			mf.too_big = true;
			return;
		}
		mf.buf = b;
		mf.cap = cap;
	}
	memcpy(mf.buf + mf.len, p, n);
	mf.len += n;
}

/* One entry: its path below the root, a NUL (no path has one), then its
 * lstat fields. */
static int mf_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	char line[256];
	(void)f;
	const char *rel = path + mf.root_len;

	/* an entry that could not be read (or vanished): no key for this tree */
	if (flag == FTW_NS || flag == FTW_DNR)
		return 1;
	if (st->st_ctim.tv_sec > mf.newest.tv_sec ||
	    (st->st_ctim.tv_sec == mf.newest.tv_sec && st->st_ctim.tv_nsec > mf.newest.tv_nsec))
		mf.newest = st->st_ctim;

	mf_add(rel, strlen(rel) + 1);
	int n = snprintf(line, sizeof line,
			 "%o %u %u %jd %ju %ju %ju %jd.%09ld %jd.%09ld\n", (unsigned)st->st_mode,
			 (unsigned)st->st_uid, (unsigned)st->st_gid, (intmax_t)st->st_size,
			 (uintmax_t)st->st_ino, (uintmax_t)st->st_dev, (uintmax_t)st->st_rdev,
			 (intmax_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			 (intmax_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	mf_add(line, (size_t)n);
	return mf.too_big ? 1 : 0;
}

/* Filesystems whose ctimes and inode numbers the kernel itself keeps (not
 * read from an image, a server or a daemon), so that a changed tree always
 * shows a new ctime. */
static bool ctime_is_kept(long type)
{
	switch (type) {
	case 0xEF53:      /* ext2/3/4 */
	case 0x58465342:  /* xfs */
	case 0x9123683E:  /* btrfs */
	case 0x01021994:  /* tmpfs */
	case 0x794C7630:  /* overlayfs (engines' rootfs) */
		return true;
	default:
		return false;
	}
}

int rootdisk_key_make(const char *rootfs, const char *format, struct rootdisk_key *k,
		      struct vxn_err *err)
{
	char real[PATH_MAX], fs[64];
	struct statfs sf;

	memset(k, 0, sizeof *k);
	if (!realpath(rootfs, real))
		return err_set(err, errno, "rootfs %s", rootfs);
	if (statfs(real, &sf))
		return err_set(err, errno, "rootfs %s", rootfs);
	if (!ctime_is_kept((long)sf.f_type))
		return err_set(err, EOPNOTSUPP, "rootfs %s: a filesystem (0x%lx) whose changes "
			       "the cache cannot see", rootfs, (unsigned long)sf.f_type);
	memset(&mf, 0, sizeof mf);
	clock_gettime(CLOCK_REALTIME, &k->made_at);
	mf_add(MANIFEST_HEAD, strlen(MANIFEST_HEAD));
	mf_add(format, strlen(format) + 1);
	mf_add(real, strlen(real) + 1);
	int n = snprintf(fs, sizeof fs, "%lx %x:%x\n", (unsigned long)sf.f_type,
			 (unsigned)sf.f_fsid.__val[0], (unsigned)sf.f_fsid.__val[1]);
	mf_add(fs, (size_t)n);
	mf.root_len = strlen(real);
	int r = nftw(real, mf_entry, 64, FTW_PHYS);
	if (r != 0 || mf.too_big) {
		int e = r < 0 ? errno : EFBIG;
		free(mf.buf);
		return err_set(err, e, "rootfs %s: no cache key", rootfs);
	}
	k->manifest = mf.buf;
	k->len = mf.len;
	k->hash = fnv1a64(mf.buf, mf.len);
	k->newest_change = mf.newest;
	return 0;
}

bool rootdisk_key_settled(const struct rootdisk_key *k)
{
	/* a file changed within a timestamp tick of the key could change again
	 * unseen (same size, same ctime): such a tree is not kept (as git's
	 * "racily clean" entries) */
	return k->manifest && k->newest_change.tv_sec + 2 < k->made_at.tv_sec;
}

void rootdisk_key_free(struct rootdisk_key *k)
{
	free(k->manifest);
	memset(k, 0, sizeof *k);
}

bool rootdisk_key_equal(const struct rootdisk_key *a, const struct rootdisk_key *b)
{
	return a->manifest && b->manifest && a->len == b->len &&
	       memcmp(a->manifest, b->manifest, a->len) == 0;
}

static ssize_t copy_range(int in, int out, off_t off, size_t n)
{
	off_t o_in = off, o_out = off;
	ssize_t r = copy_file_range(in, &o_in, out, &o_out, n, 0);

	if (r >= 0 || (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
		       errno != EOPNOTSUPP))
		return r;
	char *buf = malloc(n < COPY_CHUNK ? n : COPY_CHUNK);  /* filesystems without it */
	if (!buf)
		return -1;
	r = pread(in, buf, n < COPY_CHUNK ? n : COPY_CHUNK, off);
	if (r > 0)
		r = pwrite(out, buf, (size_t)r, off);
	free(buf);
	return r;
}

/* The data segments of in, to the same offsets of out (already at size). */
static int copy_data(int in, int out, off_t size)
{
	off_t pos = 0;

	while (pos < size) {
		off_t data = lseek(in, pos, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -1;  /* only a hole is left */
		off_t hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return -1;
		for (pos = data; pos < hole;) {
			ssize_t n = copy_range(in, out, pos, (size_t)(hole - pos));
			if (n <= 0)
				return n == 0 ? (errno = EIO, -1) : -1;
			pos += n;
		}
	}
	return 0;
}

int copy_sparse(const char *src, const char *dest, struct vxn_err *err)
{
	struct stat st;
	int in = open(src, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		return err_set(err, errno, "open %s", src);
	int out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		int e = errno;
		close(in);
		return err_set(err, e, "create %s", dest);
	}
	int r = fstat(in, &st) || ftruncate(out, st.st_size) || copy_data(in, out, st.st_size);
	int e = errno;
	close(in);
	if (close(out) && !r) {
		r = 1;
		e = errno;
	}
	if (r) {
		unlink(dest);
		return err_set(err, e, "copy %s to %s", src, dest);
	}
	return 0;
}

static void entry_path(const struct rootdisk_cache *c, uint64_t hash, const char *suffix,
		       char *buf, size_t len)
{
	snprintf(buf, len, "%s/%016" PRIx64 "%s", c->dir, hash, suffix);
}

/* The cache directory, locked: shared to read, exclusive to change, so that
 * a reader never pairs one tree's manifest with another's image. */
static int cache_lock(const struct rootdisk_cache *c, int how, struct vxn_err *err)
{
	if (mkdir(c->dir, 0700) && errno != EEXIST)
		return err_set(err, errno, "create %s", c->dir);
	int fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "open %s", c->dir);
	int r;
	while ((r = flock(fd, how)) && errno == EINTR)
		;
	if (r) {
		int e = errno;
		close(fd);
		return err_set(err, e, "lock %s", c->dir);
	}
	return fd;
}

static bool manifest_matches(const char *path, const struct rootdisk_key *k)
{
	bool same = false;
	char *buf = malloc(k->len + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (buf && fd >= 0) {
		size_t got = 0;
		ssize_t n;
		while (got < k->len + 1 && (n = read(fd, buf + got, k->len + 1 - got)) > 0)
			got += (size_t)n;
		same = got == k->len && memcmp(buf, k->manifest, k->len) == 0;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return same;
}

int rootdisk_cache_get(const struct rootdisk_cache *c, const struct rootdisk_key *k,
		       const char *dest, struct vxn_err *err)
{
	char mpath[PATH_MAX], ipath[PATH_MAX];
	int lock = cache_lock(c, LOCK_SH, err);

	if (lock < 0)
		return -1;
	entry_path(c, k->hash, ".manifest", mpath, sizeof mpath);
	entry_path(c, k->hash, ".img", ipath, sizeof ipath);
	int r = 0;
	if (manifest_matches(mpath, k) && access(ipath, R_OK) == 0) {
		r = copy_sparse(ipath, dest, err) ? -1 : 1;
		if (r == 1)
			utimensat(AT_FDCWD, ipath, NULL, 0);  /* recently used */
	}
	close(lock);
	return r;
}

static int write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	int r = write_all(fd, p, n);
	return close(fd) == 0 && r == 0 ? 0 : -1;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t l = strlen(name), n = strlen(suffix);
	return l == 16 + n && strcmp(name + 16, suffix) == 0;
}

/* Under the exclusive lock: what a crashed put left (a .new file, a
 * manifest without its image) goes; the number of images, and the least
 * recently used one in *oldest. */
static unsigned sweep(DIR *d, char oldest[NAME_MAX + 1])
{
	struct timespec old = { 0 };
	struct dirent *e;
	struct stat st;
	unsigned n = 0;

	oldest[0] = '\0';
	while ((e = readdir(d))) {
		char img[NAME_MAX + 1];
		if (has_suffix(e->d_name, ".new")) {
			unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		if (has_suffix(e->d_name, ".manifest")) {
			snprintf(img, sizeof img, "%.16s.img", e->d_name);
			if (faccessat(dirfd(d), img, F_OK, 0))
				unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		if (!has_suffix(e->d_name, ".img") ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		n++;
		if (!oldest[0] || st.st_mtim.tv_sec < old.tv_sec ||
		    (st.st_mtim.tv_sec == old.tv_sec && st.st_mtim.tv_nsec < old.tv_nsec)) {
			old = st.st_mtim;
			snprintf(oldest, NAME_MAX + 1, "%s", e->d_name);
		}
	}
	return n;
}

/* Beyond c->max images: remove the least recently used (oldest mtime). */
static void evict(const struct rootdisk_cache *c)
{
	char oldest[NAME_MAX + 1], path[PATH_MAX];

	for (;;) {
		DIR *d = opendir(c->dir);
		if (!d)
			return;
		unsigned n = sweep(d, oldest);
		closedir(d);
		if (n <= c->max)
			return;
		snprintf(path, sizeof path, "%s/%.16s.manifest", c->dir, oldest);
		unlink(path);
		snprintf(path, sizeof path, "%s/%s", c->dir, oldest);
		if (unlink(path)) {  /* never the same one again */
			log_warn("rootdisk cache: cannot drop %s: %s", path, strerror(errno));
			return;
		}
		log_debug("rootdisk cache: dropped %s", oldest);
	}
}

int rootdisk_cache_put(const struct rootdisk_cache *c, const struct rootdisk_key *k,
		       const char *image, struct vxn_err *err)
{
	char mpath[PATH_MAX], ipath[PATH_MAX], tmp[PATH_MAX];
	int lock = cache_lock(c, LOCK_EX, err);

	if (lock < 0)
		return -1;
	entry_path(c, k->hash, ".manifest", mpath, sizeof mpath);
	entry_path(c, k->hash, ".img", ipath, sizeof ipath);
	entry_path(c, k->hash, ".new", tmp, sizeof tmp);
	unlink(tmp);
	int r = copy_sparse(image, tmp, err);
	/* never a moment (a crash included) where this manifest names another
	 * tree's image: the old manifest goes first, the new one comes last */
	if (r == 0 && ((unlink(mpath) && errno != ENOENT) || rename(tmp, ipath) ||
		       write_file(tmp, k->manifest, k->len) || rename(tmp, mpath))) {
		r = err_set(err, errno, "store %s", ipath);
		unlink(mpath);
	}
	unlink(tmp);
	if (r == 0)
		evict(c);
	close(lock);
	return r;
}
