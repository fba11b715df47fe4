/* Launch ramdisk = base initramfs (copied as is, maybe compressed) + zero
 * padding to a 4-byte boundary + an uncompressed newc cpio written with
 * libarchive. The kernel's initramfs unpacker skips zero bytes between
 * archives and needs each uncompressed cpio to start 4-byte aligned. */
#include "ramdisk.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int copy_base(const char *base, int out, struct vxn_err *err)
{
	struct stat st;
	off_t off = 0;
	int in = open(base, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		return err_set(err, errno, "open initramfs %s", base);
	if (fstat(in, &st)) {
		close(in);
		return err_set(err, errno, "stat %s", base);
	}
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(in);
			return err_set(err, e, "copy %s", base);
		}
	}
	close(in);
	static const char zeros[4];
	size_t pad = (size_t)((4 - st.st_size % 4) % 4);
	if (pad && write(out, zeros, pad) != (ssize_t)pad)
		return err_set(err, errno, "pad ramdisk");
	return 0;
}

static int add_entry(struct archive *a, const char *name, mode_t type, mode_t perm,
		     const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	int r = -1;

	if (!e)
		return -1;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) == ARCHIVE_OK &&
	    (len == 0 || archive_write_data(a, data, len) == (la_ssize_t)len))
		r = 0;
	archive_entry_free(e);
	return r;
}

static int append_launch(int out, const uint8_t *blob, size_t len, struct vxn_err *err)
{
	struct archive *a = archive_write_new();
	int r = -1;

	if (!a)
		return err_set(err, ENOMEM, "archive_write_new");
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, out) != ARCHIVE_OK)
		goto out;
	/* VXN_LAUNCH_PATH without its leading '/': cpio names are relative */
	if (add_entry(a, "vxn", AE_IFDIR, 0755, NULL, 0) ||
	    add_entry(a, VXN_LAUNCH_PATH + 1, AE_IFREG, 0400, blob, len))
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK)
		goto out;
	r = 0;
out:
	if (r)
		err_set(err, 0, "writing the launch cpio: %s", archive_error_string(a) ?
			archive_error_string(a) : "unknown error");
	archive_write_free(a);
	return r;
}

int ramdisk_build(const char *base, const struct vxn_launch *l, const char *out,
		  struct vxn_err *err)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	int fd, r, rc;

	rc = vxn_launch_encode(l, &blob, &len);
	if (rc)
		return err_set(err, -rc, "encoding the launch data");
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(blob);
		return err_set(err, errno, "create %s", out);
	}
	r = copy_base(base, fd, err);
	if (r == 0)
		r = append_launch(fd, blob, len, err);
	close(fd);
	free(blob);
	if (r) {
		unlink(out);
		return err_wrap(err, "building the launch ramdisk");
	}
	log_debug("ramdisk: %s (launch data %zu bytes)", out, len);
	return 0;
}
