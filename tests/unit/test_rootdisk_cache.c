/* rootdisk_cache: an image is reused only for exactly the tree it was made
 * from; copies keep holes; the cache keeps at most max images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rootdisk_cache.h"

static char work[] = "/tmp/vxn-rootdisk-cache.XXXXXX";
static char tree[100], cdir[100];

static void path_of(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", work, rel);
}

static void write_text(const char *rel, const char *text)
{
	char p[700];
	path_of(p, sizeof p, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* An "image": 4 KiB of data, a 1 MiB hole, 4 KiB of data. */
static void make_image(const char *rel, char fill)
{
	char p[700], block[4096];
	path_of(p, sizeof p, rel);
	memset(block, fill, sizeof block);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, block, sizeof block, 0), 4096);
	assert_int_equal(pwrite(fd, block, sizeof block, 4096 + (1 << 20)), 4096);
	close(fd);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static int setup(void **state)
{
	char p[700];
	(void)state;
	assert_non_null(mkdtemp(work));
	snprintf(tree, sizeof tree, "%s/rootfs", work);
	snprintf(cdir, sizeof cdir, "%s/cache", work);
	mkdir(tree, 0755);
	path_of(p, sizeof p, "rootfs/bin");
	mkdir(p, 0755);
	write_text("rootfs/bin/sh", "#!/bin/busybox\n");
	write_text("rootfs/etc-hostname", "box\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(work, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void key_follows_the_tree_exactly(void **state)
{
	struct rootdisk_key a, b, c, d;
	(void)state;
	assert_int_equal(rootdisk_key_make(tree, "ext4", &a, NULL), 0);
	assert_int_equal(rootdisk_key_make(tree, "ext4", &b, NULL), 0);
	assert_true(rootdisk_key_equal(&a, &b));
	assert_int_equal(rootdisk_key_make(tree, "erofs", &c, NULL), 0);
	assert_false(rootdisk_key_equal(&a, &c));
	/* the same size and name, new content: the ctime moves */
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	write_text("rootfs/etc-hostname", "xob\n");
	assert_int_equal(rootdisk_key_make(tree, "ext4", &d, NULL), 0);
	assert_false(rootdisk_key_equal(&a, &d));
	assert_false(rootdisk_key_settled(&d));  /* changed just now: not to be kept */
	rootdisk_key_free(&a);
	rootdisk_key_free(&b);
	rootdisk_key_free(&c);
	rootdisk_key_free(&d);
}

static void missing_rootfs_has_no_key(void **state)
{
	struct rootdisk_key k;
	struct vxn_err err;
	char p[700];
	(void)state;
	path_of(p, sizeof p, "nope");
	assert_int_equal(rootdisk_key_make(p, "ext4", &k, &err), -1);
	assert_null(k.manifest);
}

static void put_then_get_gives_the_same_bytes_and_holes(void **state)
{
	struct rootdisk_cache c = { cdir, 4 };
	struct rootdisk_key k;
	struct stat st;
	char img[700], out[700], cmp[1500];
	(void)state;
	make_image("made.img", 'x');
	path_of(img, sizeof img, "made.img");
	path_of(out, sizeof out, "copy.img");
	assert_int_equal(rootdisk_key_make(tree, "ext4", &k, NULL), 0);
	assert_int_equal(rootdisk_cache_get(&c, &k, out, NULL), 0);  /* empty */
	assert_int_equal(rootdisk_cache_put(&c, &k, img, NULL), 0);
	assert_int_equal(rootdisk_cache_get(&c, &k, out, NULL), 1);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_size, 8192 + (1 << 20));
	assert_true(st.st_blocks * 512 < (1 << 20));  /* the hole stayed a hole */
	snprintf(cmp, sizeof cmp, "cmp -s %s %s", img, out);
	assert_int_equal(system(cmp), 0);
	/* dest exists: refused, and left alone */
	assert_int_equal(rootdisk_cache_get(&c, &k, out, NULL), -1);
	assert_int_equal(access(out, F_OK), 0);
	unlink(out);
	rootdisk_key_free(&k);
}

static void changed_tree_misses(void **state)
{
	struct rootdisk_cache c = { cdir, 4 };
	struct rootdisk_key k, k2;
	char img[700], out[700];
	(void)state;
	make_image("made.img", 'y');
	path_of(img, sizeof img, "made.img");
	path_of(out, sizeof out, "copy.img");
	assert_int_equal(rootdisk_key_make(tree, "ext4", &k, NULL), 0);
	assert_int_equal(rootdisk_cache_put(&c, &k, img, NULL), 0);
	write_text("rootfs/bin/new", "x");
	assert_int_equal(rootdisk_key_make(tree, "ext4", &k2, NULL), 0);
	assert_int_equal(rootdisk_cache_get(&c, &k2, out, NULL), 0);
	assert_int_equal(access(out, F_OK), -1);
	rootdisk_key_free(&k);
	rootdisk_key_free(&k2);
}

static int count_images(void)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "exit $(ls %s | grep -c '\\.img$')", cdir);
	return WEXITSTATUS(system(cmd));
}

static void keeps_at_most_max_images(void **state)
{
	struct rootdisk_cache c = { cdir, 2 };
	char img[700];
	(void)state;
	make_image("made.img", 'z');
	path_of(img, sizeof img, "made.img");
	for (int i = 0; i < 4; i++) {
		struct rootdisk_key k;
		char rel[64];
		snprintf(rel, sizeof rel, "rootfs/file%d", i);
		write_text(rel, "data");
		assert_int_equal(rootdisk_key_make(tree, "ext4", &k, NULL), 0);
		assert_int_equal(rootdisk_cache_put(&c, &k, img, NULL), 0);
		rootdisk_key_free(&k);
	}
	assert_int_equal(count_images(), 2);
}

static void leftovers_of_a_crashed_put_are_swept(void **state)
{
	struct rootdisk_cache c = { cdir, 4 };
	struct rootdisk_key k;
	char img[700], leftover[700], orphan[700];
	(void)state;
	mkdir(cdir, 0700);
	snprintf(leftover, sizeof leftover, "%s/0123456789abcdef.new", cdir);
	snprintf(orphan, sizeof orphan, "%s/fedcba9876543210.manifest", cdir);
	make_image("made.img", 'w');
	path_of(img, sizeof img, "made.img");
	int fd = open(leftover, O_WRONLY | O_CREAT, 0600);
	close(fd);
	fd = open(orphan, O_WRONLY | O_CREAT, 0600);
	close(fd);
	write_text("rootfs/sweep", "x");
	assert_int_equal(rootdisk_key_make(tree, "ext4", &k, NULL), 0);
	assert_int_equal(rootdisk_cache_put(&c, &k, img, NULL), 0);
	assert_int_equal(access(leftover, F_OK), -1);
	assert_int_equal(access(orphan, F_OK), -1);
	rootdisk_key_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_follows_the_tree_exactly),
		cmocka_unit_test(missing_rootfs_has_no_key),
		cmocka_unit_test(put_then_get_gives_the_same_bytes_and_holes),
		cmocka_unit_test(changed_tree_misses),
		cmocka_unit_test(keeps_at_most_max_images),
		cmocka_unit_test(leftovers_of_a_crashed_put_are_swept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
