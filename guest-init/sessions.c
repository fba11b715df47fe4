#include "sessions.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "ps.h"
#include "stats.h"

/* What the answer to an EXEC_START may need: ERROR and EXIT. */
#define EXEC_ANSWER_BYTES (2 * VXN_FRAME_HDR_BYTES + VXN_ERROR_MAX + VXN_EXIT_BYTES)

struct session *session_of(struct relay *r, uint16_t stream)
{
	for (size_t i = 0; i <= RELAY_MAX_EXEC; i++)
		if (r->s[i].used && r->s[i].stream == stream)
			return &r->s[i];
	return NULL;
}

struct session *session_of_pid(struct relay *r, pid_t pid)
{
	for (size_t i = 0; i <= RELAY_MAX_EXEC; i++)
		if (r->s[i].used && !r->s[i].exited && r->s[i].proc.pid == pid)
			return &r->s[i];
	return NULL;
}

void session_exit_of(const struct session *s, struct vxn_exit *e)
{
	if (WIFSIGNALED(s->wstatus))
		*e = (struct vxn_exit){ VXN_EXIT_SIGNAL, WTERMSIG(s->wstatus) };
	else
		*e = (struct vxn_exit){ VXN_EXIT_CODE, WEXITSTATUS(s->wstatus) };
}

static void put_exit(struct relay *r, uint16_t stream, const struct vxn_exit *e)
{
	uint8_t p[VXN_EXIT_BYTES];

	frame_put_stream(&r->out, VXN_F_EXIT, stream, p, vxn_exit_encode(e, p));
}

static void put_error(struct relay *r, uint16_t stream, const char *text)
{
	size_t n = strlen(text);

	frame_put_stream(&r->out, VXN_F_ERROR, stream, text, n < VXN_ERROR_MAX ? n : VXN_ERROR_MAX);
}

/* A process that could not even be forked: ERROR and EXIT 255 right away. */
int session_refusef(struct relay *r, uint16_t stream, const char *fmt, ...)
{
	struct vxn_exit e = { VXN_EXIT_CODE, 255 };
	char why[VXN_ERROR_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	console_say("start on stream %u: %s", stream, why);
	put_error(r, stream, why);
	put_exit(r, stream, &e);
	return 1;
}

bool session_answer_room(const struct relay *r)
{
	return byteq_room(&r->out) >= EXEC_ANSWER_BYTES;
}

static struct session *free_slot(struct relay *r)
{
	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++)
		if (!r->s[i].used)
			return &r->s[i];
	return NULL;
}

const char *session_cannot_start(struct relay *r, uint16_t stream)
{
	if (stream == 0 || session_of(r, stream))
		return "stream already in use";
	if (r->s[0].exited)
		return "the container's process has exited";
	if (!free_slot(r))
		return "too many processes started by exec";
	return NULL;
}

int session_start(struct relay *r, uint16_t stream, const struct vxn_launch *l,
		  const struct proc_place *place, struct session **started)
{
	struct exec_report rep;
	struct vxn_err err = { 0 };
	struct session *s = free_slot(r);
	uint8_t *stdin_buf;

	*started = NULL;
	if (!s)  /* session_cannot_start said so before */
		return session_refusef(r, stream, "exec: too many processes started by exec");
	if (!(stdin_buf = malloc(RELAY_STDIN_CAP)))
		return session_refusef(r, stream, "exec: out of memory");
	memset(s, 0, sizeof *s);
	s->proc = (struct proc){ .in_fd = -1, .out_fd = -1, .err_fd = -1 };
	if (proc_start(l, place, &s->proc, &rep, &err) != 0) {
		free(stdin_buf);
		return session_refusef(r, stream, "%s", err.msg);
	}
	s->used = true;
	s->stream = stream;
	s->credit = VXN_STREAM_WINDOW;
	s->stdin_q = (struct byteq){ stdin_buf, RELAY_STDIN_CAP, 0 };
	s->err_eof = s->proc.err_fd < 0;
	if (rep.status != 0)  /* its exit status comes when it is reaped */
		put_error(r, stream, rep.text);
	else
		frame_put_stream(&r->out, VXN_F_EXEC_STARTED, stream, NULL, 0);
	*started = s;
	return 1;
}

int session_exec(struct relay *r, uint16_t stream, const uint8_t *p, size_t len)
{
	struct vxn_launch l;
	struct session *s;
	const char *why;

	if (!session_answer_room(r))
		return 0;
	if ((why = session_cannot_start(r, stream)))
		return session_refusef(r, stream, "exec: %s", why);
	if (vxn_launch_decode(p, len, &l) != 0)
		return session_refusef(r, stream, "exec: malformed process description");
	/* an exec joins the container's namespace (main.c), makes none */
	l.pid_namespace = false;
	int k = session_start(r, stream, &l, NULL, &s);
	vxn_launch_free(&l);
	return k;
}

int session_ps(struct relay *r, uint16_t tag)
{
	static char text[VXN_FRAME_MAX_PAYLOAD];
	size_t n = ps_text(text, sizeof text);

	if (byteq_room(&r->out) < VXN_FRAME_HDR_BYTES + n)
		return 0;
	frame_put_stream(&r->out, VXN_F_PS_REPLY, tag, text, n);
	return 1;
}

int session_stats(struct relay *r, uint16_t tag)
{
	struct vxn_guest_stats st;
	uint8_t buf[VXN_GUEST_STATS_BYTES];

	if (byteq_room(&r->out) < VXN_FRAME_HDR_BYTES + sizeof buf)
		return 0;
	/* an empty reply (which the host refuses to decode) when /proc cannot be read */
	size_t n = guest_stats_read(&st) == 0 ? vxn_guest_stats_encode(&st, buf) : 0;
	frame_put_stream(&r->out, VXN_F_STATS_REPLY, tag, buf, n);
	return 1;
}

static void session_close(struct session *s)
{
	struct proc *p = &s->proc;

	if (p->in_fd >= 0 && p->in_fd != p->out_fd)
		close(p->in_fd);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	free(s->stdin_q.data);
	memset(s, 0, sizeof *s);
}

void sessions_finish(struct relay *r)
{
	uint64_t now = uptime_ms();

	for (size_t i = 1; i <= RELAY_MAX_EXEC; i++) {
		struct session *s = &r->s[i];
		struct vxn_exit e;

		if (!s->used || !s->exited ||
		    (!(s->out_eof && s->err_eof) && now < s->drain_deadline_ms))
			continue;
		if (byteq_room(&r->out) < VXN_FRAME_HDR_BYTES + VXN_EXIT_BYTES)
			return;  /* next round */
		session_exit_of(s, &e);
		put_exit(r, s->stream, &e);
		session_close(s);
	}
}
