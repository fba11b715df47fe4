/* Launch ramdisk = base initramfs (copied as is, maybe compressed) + zero
 * padding to a 4-byte boundary + an uncompressed newc cpio of two entries.
 * The kernel's initramfs unpacker skips zero bytes between archives and needs
 * each uncompressed cpio to start 4-byte aligned.
 *
 * The newc writer is hand-made rather than libarchive's: linking libarchive
 * pulled 14 more shared libraries (libxml2, ICU, libstdc++, compressors) into
 * every vxn process, and loading them was a visible share of each vxn call's
 * start-up under emulation (tests/bench). */
#include "ramdisk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define NEWC_HDR 110  /* "070701" + 13 fields of 8 hex digits */

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

/* One newc entry: header, name with its NUL, padding to 4, data, padding to 4.
 * The header plus name starts 4-aligned, as every entry here does. */
static int newc_entry(int fd, unsigned ino, unsigned mode, const char *name,
		      const void *data, size_t len)
{
	static const char zeros[4];
	char hdr[NEWC_HDR + 1];
	size_t namesize = strlen(name) + 1;
	size_t name_pad = (4 - (NEWC_HDR + namesize) % 4) % 4;
	size_t data_pad = (4 - len % 4) % 4;

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, (mode & S_IFMT) == S_IFDIR ? 2u : 1u, 0u, (unsigned)len,
		 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
	if (write_all(fd, hdr, NEWC_HDR) || write_all(fd, name, namesize) ||
	    write_all(fd, zeros, name_pad) || (len && write_all(fd, data, len)) ||
	    write_all(fd, zeros, data_pad))
		return -1;
	return 0;
}

static int append_launch(int out, const uint8_t *blob, size_t len, struct vxn_err *err)
{
	if (len > 0xffffffffu)
		return err_set(err, EFBIG, "launch data of %zu bytes", len);
	/* VXN_LAUNCH_PATH without its leading '/': cpio names are relative */
	if (newc_entry(out, 1, S_IFDIR | 0755, "vxn", NULL, 0) ||
	    newc_entry(out, 2, S_IFREG | 0400, &VXN_LAUNCH_PATH[1], blob, len) ||
	    newc_entry(out, 0, 0, "TRAILER!!!", NULL, 0))
		return err_set(err, errno ? errno : EIO, "writing the launch cpio");
	return 0;
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
