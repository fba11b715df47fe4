#include "monitor_exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "control.h"
#include "credit.h"
#include "log.h"

#define CLIENT_SNDBUF (1 << 20)
/* a window of STDOUT/STDERR frames, and EXEC_STARTED, ERROR and EXIT around it */
#define LINK_QUEUE_CAP (VXN_STREAM_WINDOW + 2 * VXN_FRAME_HDR_BYTES + VXN_ERROR_MAX + \
			VXN_FRAME_HDR_BYTES + VXN_EXIT_BYTES)
#define MSG_MAX (VXN_FRAME_HDR_BYTES + VXN_FRAME_MAX_PAYLOAD)

void execs_init(struct exec_links *x)
{
	memset(x, 0, sizeof *x);
	for (int i = 0; i < EXEC_LINKS_MAX; i++)
		x->l[i].fd = -1;
	for (int i = 0; i < QUERIES_MAX; i++)
		x->query_fd[i] = -1;
	x->next_stream = 1;
	x->poll_base = -1;
}

static bool stream_in_use(const struct exec_links *x, uint16_t s)
{
	for (int i = 0; i < EXEC_LINKS_MAX; i++)
		if (x->l[i].fd >= 0 && x->l[i].stream == s)
			return true;
	return false;
}

static uint16_t new_stream(struct exec_links *x)
{
	while (x->next_stream == 0 || stream_in_use(x, x->next_stream))
		x->next_stream++;
	return x->next_stream++;
}

int execs_adopt(struct exec_links *x, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	int sndbuf = CLIENT_SNDBUF;

	for (int i = 0; i < EXEC_LINKS_MAX; i++) {
		struct exec_link *l = &x->l[i];
		if (l->fd >= 0)
			continue;
		*l = (struct exec_link){ .fd = fd, .stream = new_stream(x),
					 .stdin_credit = VXN_STDIN_WINDOW };
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
			l->pid = cred.pid;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
		log_debug("monitor: exec client %d on stream %u", (int)l->pid, l->stream);
		return 0;
	}
	return -1;
}

static void link_close(struct exec_link *l)
{
	static uint8_t discard[MSG_MAX + 1];

	/* what the client sent that we did not read (its stdin EOF, a window
	 * size): closing with it queued would make Linux reset the client's
	 * end before it has read our last frames */
	while (recv(l->fd, discard, sizeof discard, MSG_DONTWAIT) > 0)
		;
	close(l->fd);
	l->fd = -1;
	free(l->q);
	l->q = NULL;
	l->q_len = 0;
}

/* The client went away before the process ended: nobody will read its
 * output or wait for it, so it must not outlive its client. A pod's
 * container too: its client is the one that waits for it. */
static void link_abandon(struct exec_link *l, struct channel *ch)
{
	struct vxn_signal s = { .signo = 9 };
	uint8_t buf[VXN_SIGNAL_BYTES];
	struct vxn_err err;

	log_debug("monitor: exec client of stream %u gone", l->stream);
	if (l->started && channel_send(ch, VXN_F_SIGNAL, l->stream, buf,
				       (uint32_t)vxn_signal_encode(&s, buf), &err))
		log_debug("monitor: %s", err.msg);
	link_close(l);
}

void execs_poll_add(struct exec_links *x, struct pollfd *fds, int *n, int max, bool room)
{
	x->poll_base = *n;
	x->poll_count = 0;
	for (int i = 0; i < EXEC_LINKS_MAX && *n < max; i++) {
		const struct exec_link *l = &x->l[i];
		/* a whole stdin frame must fit the guest's window */
		short ev = (room && l->stdin_credit >= VXN_FRAME_MAX_PAYLOAD ? POLLIN : 0) |
			   (l->q_len ? POLLOUT : 0);
		fds[*n].fd = l->fd >= 0 && ev ? l->fd : -1;
		fds[*n].events = ev;
		fds[*n].revents = 0;
		(*n)++;
		x->poll_count++;
	}
}

/* What a client may send: a start first (a process in the container, or a
 * pod's container or a process in one), then stdin, size and signals. */
static bool client_type_ok(const struct exec_link *l, uint8_t type)
{
	if (!l->started)
		return type == VXN_F_EXEC_START || type == VXN_F_CTR_START ||
		       type == VXN_F_CTR_EXEC;
	return type == VXN_F_STDIN || type == VXN_F_STDIN_EOF || type == VXN_F_WINSIZE ||
	       type == VXN_F_SIGNAL;
}

static void client_frame(struct exec_link *l, struct channel *ch)
{
	static uint8_t buf[MSG_MAX + 1];
	struct vxn_frame_hdr h;
	struct vxn_err err;

	/* a message taken from the socket must fit the channel: polled with
	 * room for one, but frames queued since (credit) may have taken it,
	 * and a message refused then would be lost (the client's stdin) */
	if (channel_out_space(ch) < MSG_MAX)
		return;
	ssize_t n = recv(l->fd, buf, sizeof buf, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < (ssize_t)VXN_FRAME_HDR_BYTES || vxn_frame_hdr_decode(buf, &h) ||
	    (size_t)n != VXN_FRAME_HDR_BYTES + h.len || !client_type_ok(l, h.type)) {
		if (n > 0)
			log_warn("monitor: malformed message from exec client %d", (int)l->pid);
		link_abandon(l, ch);
		return;
	}
	if (h.type == VXN_F_SIGNAL)
		buf[VXN_FRAME_HDR_BYTES + 4] = 0;  /* its own process only, never "all" */
	if (h.type == VXN_F_STDIN && h.len > l->stdin_credit) {
		/* polled only with a frame's worth of credit: cannot happen */
		log_warn("monitor: exec stream %u: stdin beyond the guest's window dropped",
			 l->stream);
		return;
	}
	if (channel_send(ch, h.type, l->stream, buf + VXN_FRAME_HDR_BYTES, h.len, &err)) {
		log_warn("monitor: exec stream %u: %s", l->stream, err.msg);
		return;
	}
	if (h.type == VXN_F_STDIN)
		l->stdin_credit -= h.len;
	l->started = true;
}

/* Queued frames to the client, one message each, as far as its socket takes
 * them. false when the client is gone (or its last frame, EXIT, went). */
static bool link_flush(struct exec_link *l, struct channel *ch)
{
	size_t done = 0;
	bool open = true;

	while (done < l->q_len) {
		struct vxn_frame_hdr h;
		vxn_frame_hdr_decode(l->q + done, &h);  /* we encoded it */
		size_t len = VXN_FRAME_HDR_BYTES + h.len;
		ssize_t n = send(l->fd, l->q + done, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			link_abandon(l, ch);
			return false;
		}
		done += len;
		if (h.type == VXN_F_STDOUT || h.type == VXN_F_STDERR)
			l->out_credit += (uint32_t)len;
		if (h.type == VXN_F_EXIT) {
			open = false;
			break;
		}
	}
	memmove(l->q, l->q + done, l->q_len - done);
	l->q_len -= done;
	if (!open) {
		link_close(l);
		return false;
	}
	credit_give(ch, l->stream, &l->out_credit);
	return true;
}

void execs_poll_done(struct exec_links *x, struct channel *ch, const struct pollfd *fds)
{
	for (int i = 0; i < x->poll_count; i++) {
		const struct pollfd *p = &fds[x->poll_base + i];
		struct exec_link *l = &x->l[i];
		if (p->fd < 0 || !p->revents || l->fd != p->fd)
			continue;
		if ((p->revents & (POLLOUT | POLLERR | POLLHUP)) && l->q_len && !link_flush(l, ch))
			continue;
		if (p->revents & (POLLIN | POLLERR | POLLHUP))
			client_frame(l, ch);
	}
	/* credit that did not fit the channel before */
	for (int i = 0; i < EXEC_LINKS_MAX; i++)
		if (x->l[i].fd >= 0)
			credit_give(ch, x->l[i].stream, &x->l[i].out_credit);
}

static struct exec_link *link_of(struct exec_links *x, uint16_t stream)
{
	for (int i = 0; i < EXEC_LINKS_MAX; i++)
		if (x->l[i].fd >= 0 && x->l[i].stream == stream)
			return &x->l[i];
	return NULL;
}

/* Appends a frame for the client; false when it does not fit: the guest
 * went beyond its window. */
static bool link_queue(struct exec_link *l, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	/* a window of output, and room for the small frames around it */
	if (!l->q && !(l->q = malloc(LINK_QUEUE_CAP)))
		return false;
	size_t n = vxn_frame_put(l->q + l->q_len, LINK_QUEUE_CAP - l->q_len, h->type, h->stream,
				 p, h->len);
	l->q_len += n;
	return n > 0;
}

static bool guest_stream_type_ok(uint8_t type)
{
	return type == VXN_F_STDOUT || type == VXN_F_STDERR || type == VXN_F_ERROR ||
	       type == VXN_F_EXIT || type == VXN_F_EXEC_STARTED || type == VXN_F_CREDIT;
}

/* The guest's answer, checked, as the monitor's reply text. */
static void query_reply_text(uint8_t type, const uint8_t *p, uint32_t len, char *out,
			     size_t cap)
{
	struct vxn_guest_stats st;

	if (type == VXN_F_PS_REPLY) {
		if (vxn_ps_text_check(p, len)) {
			snprintf(out, cap, "error: malformed process list from the guest");
			return;
		}
		memcpy(out, "ok\n", 3);
		memcpy(out + 3, p, len);
		out[3 + len] = '\0';
	} else if (vxn_guest_stats_decode(p, len, &st)) {
		snprintf(out, cap, "error: malformed stats from the guest");
	} else {
		snprintf(out, cap, "ok %llu %llu %llu %u %u",
			 (unsigned long long)st.mem_total_kib, (unsigned long long)st.mem_free_kib,
			 (unsigned long long)st.mem_available_kib, st.processes, st.cpus_online);
	}
}

static void query_answer(struct exec_links *x, const struct vxn_frame_hdr *h, const uint8_t *p)
{
	static char reply[VXN_FRAME_MAX_PAYLOAD + 8];

	for (int i = 0; i < QUERIES_MAX; i++) {
		if (x->query_fd[i] < 0 || x->query_tag[i] != h->stream ||
		    x->query_reply[i] != h->type)
			continue;
		query_reply_text(h->type, p, h->len, reply, sizeof reply);
		control_reply(x->query_fd[i], reply);
		close(x->query_fd[i]);
		x->query_fd[i] = -1;
	}
}

bool execs_guest_frame(struct exec_links *x, struct channel *ch, const struct vxn_frame_hdr *h,
		       const uint8_t *p)
{
	struct exec_link *l;
	uint32_t more;

	if (h->type == VXN_F_PS_REPLY || h->type == VXN_F_STATS_REPLY) {
		query_answer(x, h, p);
		return true;
	}
	if (!guest_stream_type_ok(h->type))
		return false;
	if (h->type == VXN_F_EXIT) {
		struct vxn_exit e;
		if (vxn_exit_decode(p, h->len, &e))
			return false;
	}
	if (h->type == VXN_F_CREDIT && vxn_credit_decode(p, h->len, &more))
		return false;
	if (!(l = link_of(x, h->stream)))
		return true;  /* its client is gone */
	if (h->type == VXN_F_CREDIT) {
		l->stdin_credit = vxn_credit_add(l->stdin_credit, more, VXN_STDIN_WINDOW);
		return true;
	}
	if (!link_queue(l, h, p)) {
		log_warn("monitor: exec stream %u: the guest went beyond its window", l->stream);
		return false;
	}
	link_flush(l, ch);
	return true;
}

void execs_query(struct exec_links *x, struct channel *ch, int fd, uint8_t request)
{
	struct vxn_err err;

	for (int i = 0; i < QUERIES_MAX; i++) {
		if (x->query_fd[i] >= 0)
			continue;
		uint16_t tag = x->next_tag++;
		if (channel_send(ch, request, tag, NULL, 0, &err))
			break;
		x->query_fd[i] = fd;
		x->query_tag[i] = tag;
		/* every request type is followed by its reply type */
		x->query_reply[i] = (uint8_t)(request + 1);
		return;
	}
	control_reply(fd, "error: cannot ask the guest now");
	close(fd);
}

void execs_pids(const struct exec_links *x, char *buf, size_t cap)
{
	size_t len = strlen(buf);

	for (int i = 0; i < EXEC_LINKS_MAX && len < cap; i++)
		if (x->l[i].fd >= 0 && x->l[i].pid > 0)
			len += (size_t)snprintf(buf + len, cap - len, " %d", (int)x->l[i].pid);
}

void execs_close_all(struct exec_links *x)
{
	for (int i = 0; i < EXEC_LINKS_MAX; i++)
		if (x->l[i].fd >= 0)
			link_close(&x->l[i]);
	for (int i = 0; i < QUERIES_MAX; i++)
		if (x->query_fd[i] >= 0) {
			control_reply(x->query_fd[i], "error: container not running");
			close(x->query_fd[i]);
			x->query_fd[i] = -1;
		}
}
