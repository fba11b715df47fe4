/* See launch_files.h. */
#include "launch_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

static void files_free(struct vxn_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].data);
	}
	free(v);
}

/* One copy-in read whole: 0, 1 when it is not a regular file or goes past
 * *budget, -1 on an error. */
static int read_one(const struct vxn_copy_in *ci, struct vxn_file *f, size_t *budget,
		    struct vxn_err *err)
{
	struct stat st;
	void *data = NULL;
	size_t len = 0;
	int fd = open(ci->source, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return err_set(err, errno, "%s", ci->source);
	if (fstat(fd, &st)) {
		int e = errno;
		close(fd);
		return err_set(err, e, "%s", ci->source);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return 1;
	}
	int r = read_bounded(fd, *budget, &data, &len);
	close(fd);
	if (r == -E2BIG)
		return 1;
	if (r)
		return err_set(err, -r, "reading %s", ci->source);
	f->path = ci->destination;  /* taken over once all are read */
	f->mode = (uint32_t)(st.st_mode & 07777);
	f->data = data;
	f->len = (uint32_t)len;
	*budget -= len;
	return 0;
}

int launch_files_take(struct vxn_plan *p, struct vxn_err *err)
{
	size_t budget = VXN_LAUNCH_FILES_MAX;
	int r = 0;

	if (p->ncopy_in == 0)
		return 0;
	if (p->ncopy_in > VXN_LAUNCH_FILES_LIST)
		return 1;
	struct vxn_file *v = calloc(p->ncopy_in, sizeof *v);
	if (!v)
		return err_set(err, ENOMEM, "launch files");
	for (size_t i = 0; r == 0 && i < p->ncopy_in; i++)
		r = read_one(&p->copy_in[i], &v[i], &budget, err);
	if (r) {
		for (size_t i = 0; i < p->ncopy_in; i++)
			v[i].path = NULL;  /* still the copy-ins' */
		files_free(v, p->ncopy_in);
		if (r == 1)
			log_debug("root disk: host files past %u bytes or not regular: a disk of "
				  "the container's own", VXN_LAUNCH_FILES_MAX);
		return r;
	}
	for (size_t i = 0; i < p->ncopy_in; i++) {
		free(p->copy_in[i].source);
		p->copy_in[i].source = p->copy_in[i].destination = NULL;
	}
	p->launch.files = v;
	p->launch.nfiles = (uint32_t)p->ncopy_in;
	p->ncopy_in = 0;
	log_debug("root disk: %u host files in the launch data", p->launch.nfiles);
	return 0;
}
