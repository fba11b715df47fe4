/* mkinitramfs: writes an uncompressed newc cpio archive (a Linux initramfs)
 * from entries given on the command line. A build tool, run by meson.
 *
 *   mkinitramfs OUTPUT ENTRY...
 *     dir:/PATH[:MODE]                 directory (default mode 0755)
 *     file:/PATH:HOST_PATH:MODE        regular file copied from HOST_PATH
 *     chr:/PATH:MAJOR:MINOR:MODE       character device node
 *
 * Uncompressed because the kernel unpacks an uncompressed cpio fastest and
 * the runtime appends its launch-data cpio to this one. Every entry belongs to
 * root, with mtime 0, so the output depends only on the inputs. No padding
 * after the trailer, so appending another archive is a plain concatenation. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_FIELDS 5

/* An entry split at ':' into at most MAX_FIELDS fields (in place). */
struct spec {
	char *field[MAX_FIELDS];
	int count;
};

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "mkinitramfs: %s: %s\n", what, detail);
	return -1;
}

static void split_spec(char *text, struct spec *spec)
{
	spec->count = 0;
	char *save = NULL;
	for (char *f = strtok_r(text, ":", &save); f && spec->count < MAX_FIELDS;
			 f = strtok_r(NULL, ":", &save))
		spec->field[spec->count++] = f;
}

static int parse_number(const char *text, int base, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(text, &end, base);
	if (errno || end == text || *end || v > max)
		return fail("bad number", text);
	*out = v;
	return 0;
}

/* Archive names have no leading '/': the kernel unpacks relative to rootfs. */
static int archive_name(const char *path, const char **name)
{
	if (path[0] != '/' || path[1] == '\0')
		return fail("path must be absolute and not /", path);
	*name = path + 1;
	return 0;
}

static struct archive_entry *new_entry(const char *name, mode_t type, unsigned long mode)
{
	struct archive_entry *e = archive_entry_new();
	if (!e)
		return NULL;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_size(e, 0);
	archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
	return e;
}

static int write_header(struct archive *a, struct archive_entry *e)
{
	int r = archive_write_header(a, e);
	if (r != ARCHIVE_OK)
		fail("write header", archive_error_string(a));
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

static int add_dir(struct archive *a, const struct spec *s)
{
	const char *name;
	unsigned long mode = 0755;
	if (s->count > 3 || archive_name(s->field[1], &name) < 0)
		return fail("expected dir:/PATH[:MODE]", s->field[1]);
	if (s->count == 3 && parse_number(s->field[2], 8, 07777, &mode) < 0)
		return -1;
	struct archive_entry *e = new_entry(name, AE_IFDIR, mode);
	return e ? write_header(a, e) : fail("out of memory", name);
}

static int add_chr(struct archive *a, const struct spec *s)
{
	const char *name;
	unsigned long major, minor, mode;
	if (s->count != 5 || archive_name(s->field[1], &name) < 0)
		return fail("expected chr:/PATH:MAJOR:MINOR:MODE", s->field[1]);
	if (parse_number(s->field[2], 10, 4095, &major) < 0 ||
			parse_number(s->field[3], 10, 1048575, &minor) < 0 ||
			parse_number(s->field[4], 8, 07777, &mode) < 0)
		return -1;
	struct archive_entry *e = new_entry(name, AE_IFCHR, mode);
	if (!e)
		return fail("out of memory", name);
	archive_entry_set_rdev(e, makedev(major, minor));
	return write_header(a, e);
}

static int copy_data(struct archive *a, int fd, const char *host_path)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(host_path, strerror(errno));
		if (n == 0)
			return 0;
		if (archive_write_data(a, buf, (size_t)n) != n)
			return fail("write data", archive_error_string(a));
	}
}

static int add_file(struct archive *a, const struct spec *s)
{
	const char *name;
	unsigned long mode;
	if (s->count != 4 || archive_name(s->field[1], &name) < 0)
		return fail("expected file:/PATH:HOST_PATH:MODE", s->field[1]);
	if (parse_number(s->field[3], 8, 07777, &mode) < 0)
		return -1;
	int fd = open(s->field[2], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int saved = fd < 0 ? errno : EINVAL;
		if (fd >= 0)
			close(fd);
		return fail(s->field[2], strerror(saved));
	}
	struct archive_entry *e = new_entry(name, AE_IFREG, mode);
	int r = -1;
	if (e) {
		archive_entry_set_size(e, st.st_size);
		r = write_header(a, e);
	}
	if (r == 0)
		r = copy_data(a, fd, s->field[2]);
	close(fd);
	return r;
}

static int add_entry(struct archive *a, const char *arg)
{
	char *text = strdup(arg);
	if (!text)
		return fail("out of memory", arg);
	struct spec s;
	split_spec(text, &s);
	int r;
	if (s.count >= 2 && strcmp(s.field[0], "dir") == 0)
		r = add_dir(a, &s);
	else if (s.count >= 2 && strcmp(s.field[0], "file") == 0)
		r = add_file(a, &s);
	else if (s.count >= 2 && strcmp(s.field[0], "chr") == 0)
		r = add_chr(a, &s);
	else
		r = fail("unknown entry", arg);
	free(text);
	return r;
}

static struct archive *open_archive(const char *path)
{
	struct archive *a = archive_write_new();
	if (!a)
		return NULL;
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
			archive_write_add_filter_none(a) != ARCHIVE_OK ||
			archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
			archive_write_open_filename(a, path) != ARCHIVE_OK) {
		fail(path, archive_error_string(a));
		archive_write_free(a);
		return NULL;
	}
	return a;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkinitramfs OUTPUT ENTRY...\n");
		return 2;
	}
	struct archive *a = open_archive(argv[1]);
	if (!a)
		return 1;
	int r = 0;
	for (int i = 2; i < argc && r == 0; i++)
		r = add_entry(a, argv[i]);
	if (archive_write_close(a) != ARCHIVE_OK && r == 0)
		r = fail("close", archive_error_string(a));
	archive_write_free(a);
	if (r != 0)
		unlink(argv[1]);
	return r == 0 ? 0 : 1;
}
