/* ramdisk: the launch ramdisk is the base initramfs byte for byte, zero
 * padding to 4, then a newc cpio with /vxn and the launch data. The appended
 * archive is read back with libarchive, a decoder independent of vxn's
 * hand-made writer, and its layout is checked against what the kernel's
 * unpacker needs (4-byte alignment, the TRAILER!!! entry). */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ramdisk.h"

static char *args[] = { "/bin/sh", "-c", "echo ready", NULL };

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(f);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* Builds a ramdisk over a base of base_len bytes; returns its contents. */
static char *build(size_t base_len, size_t *len, char *dir)
{
	char base[256], out[256];
	struct vxn_launch l = { .args = args, .nargs = 3, .cwd = "/" };
	struct vxn_err err = { 0 };
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof(base), "%s/base.cpio", dir);
	snprintf(out, sizeof(out), "%s/ramdisk", dir);
	f = fopen(base, "wb");
	for (size_t i = 0; i < base_len; i++)
		fputc('B', f);
	fclose(f);
	assert_int_equal(ramdisk_build(base, &l, out, &err), 0);
	char *data = slurp(out, len);
	unlink(base);
	unlink(out);
	rmdir(dir);
	return data;
}

static void appended_cpio_reads_back(size_t base_len)
{
	char dir[] = "/tmp/vxn-test-ramdisk.XXXXXX";
	size_t len, off = (base_len + 3) / 4 * 4;
	char *data = build(base_len, &len, dir);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	uint8_t blob[4096];

	for (size_t i = 0; i < base_len; i++)
		assert_int_equal(data[i], 'B');
	for (size_t i = base_len; i < off; i++)
		assert_int_equal(data[i], 0);
	assert_int_equal((len - off) % 4, 0);
	assert_memory_equal(data + off, "070701", 6);
	assert_non_null(memmem(data + off, len - off, "TRAILER!!!", 11));
	archive_read_support_format_cpio(a);
	assert_int_equal(archive_read_open_memory(a, data + off, len - off), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(e), "vxn");
	assert_int_equal(archive_entry_filetype(e), AE_IFDIR);
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(e), VXN_LAUNCH_PATH + 1);
	assert_int_equal(archive_entry_filetype(e), AE_IFREG);
	assert_int_equal(archive_entry_perm(e), 0400);
	la_ssize_t n = archive_read_data(a, blob, sizeof(blob));
	assert_int_equal(n, archive_entry_size(e));
	struct vxn_launch got;
	assert_int_equal(vxn_launch_decode(blob, (size_t)n, &got), 0);
	assert_int_equal(got.nargs, 3);
	assert_string_equal(got.args[2], "echo ready");
	vxn_launch_free(&got);
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_EOF);
	archive_read_free(a);
	free(data);
}

static void aligned_base(void **state)
{
	(void)state;
	appended_cpio_reads_back(512);
}

static void unaligned_bases(void **state)
{
	(void)state;
	for (size_t b = 1; b < 4; b++)
		appended_cpio_reads_back(512 + b);
}

static void existing_output_is_refused(void **state)
{
	char dir[] = "/tmp/vxn-test-ramdisk.XXXXXX", out[256];
	struct vxn_launch l = { .args = args, .nargs = 3, .cwd = "/" };
	struct vxn_err err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/ramdisk", dir);
	fclose(fopen(out, "w"));
	assert_int_equal(ramdisk_build("/dev/null", &l, out, &err), -1);
	unlink(out);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aligned_base),
		cmocka_unit_test(unaligned_bases),
		cmocka_unit_test(existing_output_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
