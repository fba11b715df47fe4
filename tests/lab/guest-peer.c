/* A stand-in for the runtime's monitor, to test guest-init alone in the lab:
 *   guest-peer encode OUT [--cwd D] [--uid N] [--gid N] [--env K=V]...
 *                         [--fstype T] [--terminal] -- ARGS...
 *       write launch data to OUT;
 *   guest-peer serve DOMID
 *       publish the vchan server at /local/domain/DOMID/data/vxn, unpause
 *       the domain (xl unpause), relay STDOUT/STDERR frames to our stdout/
 *       stderr, print ERROR frames, exit with the reported wait status;
 *       with PEER_SIGNAL=N in the environment, send signal N to the
 *       container's process after its first stdout frame.
 * Test code: no care for the host's safety beyond the codec's own checks. */
#include <errno.h>
#include <stdbool.h>
#include <libxenvchan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vxn-proto.h"

static int encode(int argc, char **argv)
{
	static char *env[256];
	struct vxn_launch l = { .cwd = "/", .umask = -1, .hostname = "",
				.root_fstype = "ext4", .env = env };
	int i = 3;

	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (!strcmp(argv[i], "--cwd") && i + 1 < argc)
			l.cwd = argv[++i];
		else if (!strcmp(argv[i], "--uid") && i + 1 < argc)
			l.uid = (uint32_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--gid") && i + 1 < argc)
			l.gid = (uint32_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--env") && i + 1 < argc && l.nenv < 255)
			env[l.nenv++] = argv[++i];
		else if (!strcmp(argv[i], "--fstype") && i + 1 < argc)
			l.root_fstype = argv[++i];
		else if (!strcmp(argv[i], "--terminal"))
			l.terminal = true;
		else
			return fprintf(stderr, "encode: bad option %s\n", argv[i]), 2;
	}
	if (i + 1 >= argc)
		return fprintf(stderr, "encode: no args\n"), 2;
	l.args = argv + i + 1;
	l.nargs = (uint32_t)(argc - i - 1);
	uint8_t *buf;
	size_t len;
	if (vxn_launch_encode(&l, &buf, &len) != 0)
		return fprintf(stderr, "encode failed\n"), 1;
	FILE *f = fopen(argv[2], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		return perror(argv[2]), 1;
	free(buf);
	return 0;
}

static void read_exact(struct libxenvchan *vc, void *p, size_t n)
{
	if (libxenvchan_recv(vc, p, n) != (int)n) {
		fprintf(stderr, "peer: channel closed before EXIT\n");
		exit(125);
	}
}

static void send_frame(struct libxenvchan *vc, uint8_t type)
{
	struct vxn_frame_hdr h = { .type = type };
	uint8_t b[VXN_FRAME_HDR_BYTES];

	vxn_frame_hdr_encode(&h, b);
	libxenvchan_send(vc, b, sizeof b);
}

static int unpause(const char *domid)
{
	pid_t pid = fork();
	if (pid == 0) {
		execlp("xl", "xl", "unpause", domid, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void send_signal_once(struct libxenvchan *vc)
{
	static bool sent;
	const char *signo = getenv("PEER_SIGNAL");
	struct vxn_signal sig;
	uint8_t b[VXN_FRAME_HDR_BYTES + VXN_SIGNAL_BYTES];

	if (sent || !signo || !*signo)
		return;
	sent = true;
	sig = (struct vxn_signal){ .signo = atoi(signo) };
	struct vxn_frame_hdr h = { .type = VXN_F_SIGNAL, .len = VXN_SIGNAL_BYTES };
	vxn_frame_hdr_encode(&h, b);
	vxn_signal_encode(&sig, b + VXN_FRAME_HDR_BYTES);
	libxenvchan_send(vc, b, sizeof b);
	fprintf(stderr, "peer: sent signal %d\n", sig.signo);
}

static int handle(struct libxenvchan *vc, const struct vxn_frame_hdr *h, uint8_t *p)
{
	struct vxn_exit e;
	char text[VXN_ERROR_MAX + 1];

	switch (h->type) {
	case VXN_F_HELLO:
		fprintf(stderr, "peer: HELLO\n");
		send_frame(vc, VXN_F_STDIN_EOF);
		return -1;
	case VXN_F_STDOUT:
		fwrite(p, 1, h->len, stdout);
		fflush(stdout);
		send_signal_once(vc);
		return -1;
	case VXN_F_STDERR:
		fwrite(p, 1, h->len, stderr);
		fflush(stderr);
		return -1;
	case VXN_F_ERROR:
		vxn_error_text_decode(p, h->len, text, sizeof text);
		fprintf(stderr, "peer: guest error: %s\n", text);
		return -1;
	case VXN_F_CREDIT:  /* stdin given back: this peer sends none */
		return -1;
	case VXN_F_EXEC_STARTED:  /* the container's process was exec'd */
		fprintf(stderr, "peer: process started\n");
		return -1;
	case VXN_F_EXIT:
		if (vxn_exit_decode(p, h->len, &e) != 0)
			return fprintf(stderr, "peer: bad EXIT\n"), 125;
		fprintf(stderr, "peer: EXIT kind=%u value=%d\n", e.kind, e.value);
		return vxn_exit_status(&e);
	default:
		fprintf(stderr, "peer: unexpected frame %u\n", h->type);
		return 125;
	}
}

static int serve(const char *domid)
{
	char path[128];
	uint8_t hb[VXN_FRAME_HDR_BYTES];
	static uint8_t payload[VXN_FRAME_MAX_PAYLOAD];
	struct vxn_frame_hdr h;

	snprintf(path, sizeof path, "/local/domain/%s/data/vxn", domid);
	struct libxenvchan *vc = libxenvchan_server_init(NULL, atoi(domid), path,
							 VXN_RING_OUT_BYTES, VXN_RING_IN_BYTES);
	if (!vc)
		return perror("libxenvchan_server_init"), 125;
	vc->blocking = 1;
	if (unpause(domid) != 0)
		return fprintf(stderr, "peer: xl unpause failed\n"), 125;
	alarm(180);
	for (;;) {
		read_exact(vc, hb, sizeof hb);
		if (vxn_frame_hdr_decode(hb, &h) != 0)
			return fprintf(stderr, "peer: bad frame header\n"), 125;
		if (h.len)
			read_exact(vc, payload, h.len);
		int r = handle(vc, &h, payload);
		if (r >= 0) {
			libxenvchan_close(vc);
			return r;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "encode"))
		return encode(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	fprintf(stderr, "usage: guest-peer encode OUT [opts] -- ARGS... | serve DOMID\n");
	return 2;
}
