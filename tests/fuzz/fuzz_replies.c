/* The monitor's replies to `vxn ps` and `vxn stats` as vxn parses them
 * (host/container_ps.c): "ok\n" + the guest's process list, "ok PID...",
 * "ok TOTAL FREE AVAIL PROCS CPUS", or "error: TEXT". The monitor checked
 * the guest's frame, but the reply crosses a socket and vxn checks again
 * before any of it reaches a terminal. The reply comes from the input in
 * place of the socket: this harness compiles container_ps.c itself (its
 * parsing is inside the static ask()) with stand-ins for the container
 * lookup and the socket. */
#include "fuzz.h"

#include "../../host/container_ps.c"

static const uint8_t *reply_data;
static size_t reply_len;

int container_status(const struct vxn_globals *g, const char *id, struct vxn_state *st,
		     enum vxn_status *status, int *pid, struct vxn_err *err)
{
	(void)g, (void)id, (void)err;
	memset(st, 0, sizeof *st);
	*status = VXN_STATUS_RUNNING;
	*pid = 1;
	return 0;
}

/* the state above is no pod's app container */
int member_refuse(const struct vxn_state *st, const char *id, const char *verb,
		  struct vxn_err *err)
{
	(void)id, (void)verb, (void)err;
	return st->sandbox ? -1 : 0;
}

int container_state_dir(const struct vxn_globals *g, const char *id, char *out, size_t len,
			struct vxn_err *err)
{
	(void)g, (void)id, (void)err;
	snprintf(out, len, "/nonexistent");
	return 0;
}

/* as control.c's: at most cap - 1 bytes of one message, NUL-terminated */
ssize_t control_call(const char *state_dir, const char *req, char *reply, size_t cap,
		     struct vxn_err *err)
{
	(void)state_dir, (void)req;
	if (reply_len == 0)
		return err_set(err, ECONNRESET, "talking to the container's monitor");
	size_t n = reply_len < cap - 1 ? reply_len : cap - 1;
	memcpy(reply, reply_data, n);
	reply[n] = '\0';
	return (ssize_t)n;
}

static void ps_text(void)
{
	struct vxn_err err;
	char *text;

	if (container_ps_text(NULL, "fuzz", &text, &err) == 0) {
		/* what cmd_ps splits: every line has two spaces, nothing else */
		for (char *l = text; *l; l = strchr(l, '\n') + 1) {
			char *nl = strchr(l, '\n'), *sp1 = strchr(l, ' ');
			must(nl && sp1 && sp1 < nl && strchr(sp1 + 1, ' ') < nl);
			for (char *c = l; c < nl; c++)
				must(*c >= 0x20 && *c <= 0x7e);
		}
		free(text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxn_guest_stats gs;
	struct vxn_err err;
	int pids[64];
	size_t n;

	if (size < 1)
		return 0;
	reply_data = data + 1;
	reply_len = size - 1;
	switch (data[0] % 3) {
	case 0: ps_text(); break;
	case 1:
		if (container_ps_pids(NULL, "fuzz", pids, 64, &n, &err) == 0)
			for (size_t i = 0; i < n; i++)
				must(pids[i] > 0);
		break;
	default:
		/* numbers only: `vxn stats` prints them, the monitor range-checked
		 * them (fuzz_frame: vxn_guest_stats_decode) */
		(void)container_guest_stats(NULL, "fuzz", &gs, &err);
		break;
	}
	return 0;
}
