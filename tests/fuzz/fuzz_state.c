/* A container's state.json as vxn reads it back (core/state.c): every verb
 * after create trusts what is in ROOT/ID/, which anyone with write access
 * to the state root may have changed. What state_read accepts must write
 * back (state_write) to a record that reads the same, and give runc's state
 * JSON that parses. */
#include <fcntl.h>

#include "fuzz.h"
#include "jsonv.h"
#include "state.h"

static char dir[64];

/* A directory of its own per process, on tmpfs when there is one:
 * state_write syncs. */
static int state_dir(void)
{
	if (dir[0])
		return 0;
	snprintf(dir, sizeof dir, "%s/vxn-fuzz-state-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static void write_input(const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof path, "%s/state.json", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	must(fd >= 0 && write(fd, data, size) == (ssize_t)size);
	close(fd);
}

/* state.json writes an absent optional string as "" */
static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void round_trip(const struct vxn_state *st)
{
	struct vxn_state back;
	struct vxn_err err;
	char *json = state_to_oci_json(st, "running", st->monitor_pid);

	must(json != NULL);
	yajl_val doc = jv_parse(json, strlen(json), 1u << 22, "state", &err);
	must(doc != NULL);
	yajl_tree_free(doc);
	free(json);
	must(state_write(dir, st, &err) == 0);
	must(state_read(dir, &back, &err) == 0);
	must(same(back.id, st->id) && same(back.bundle, st->bundle) &&
	     same(back.domain_name, st->domain_name) && back.domid == st->domid &&
	     back.monitor_pid == st->monitor_pid && back.nannotations == st->nannotations);
	state_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxn_state st;
	struct vxn_err err;

	if (state_dir() < 0)
		return 0;
	write_input(data, size);
	if (state_read(dir, &st, &err) == 0) {
		round_trip(&st);
		state_free(&st);
	} else {
		must(err.msg[0] != '\0');
	}
	return 0;
}
