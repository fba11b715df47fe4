/* See monitor_netwatch.h. */
#include "monitor_netwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "log.h"
#include "monitor_handoff.h"

/* Docker moves the veth in, renames it, gives it addresses and brings it
 * up in separate steps: the sync waits for a quiet moment. */
#define SETTLE_MS 500
#define REAP_POLL_MS 100
#define NL_READ_BUF 8192

int netwatch_open(struct mon_netwatch *w, struct vxn_err *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
					       RTMGRP_IPV6_IFADDR };

	*w = (struct mon_netwatch){ .fd = -1, .due_ms = -1 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return err_set(err, errno, "netlink socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return err_set(err, errno, "netlink: joining the link and address groups");
	}
	w->fd = fd;
	return 0;
}

/* A sync still running is ended, not left to hot-plug into a domain being
 * destroyed or to hold the state dir's lock it inherited from delete. */
void netwatch_close(struct mon_netwatch *w)
{
	if (w->sync > 0) {
		kill(w->sync, SIGKILL);
		while (waitpid(w->sync, NULL, 0) < 0 && errno == EINTR)
			;
		w->sync = 0;
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->due_ms = -1;
}

int netwatch_poll_add(const struct mon_netwatch *w, struct pollfd *fds, int *n)
{
	if (w->fd < 0)
		return -1;
	fds[*n] = (struct pollfd){ .fd = w->fd, .events = POLLIN };
	return (*n)++;
}

int netwatch_timeout_ms(const struct mon_netwatch *w, long now_ms)
{
	if (w->sync > 0)
		return REAP_POLL_MS;
	if (w->due_ms < 0)
		return -1;
	return w->due_ms > now_ms ? (int)(w->due_ms - now_ms) : 0;
}

/* The vifs that syncs move in come and go with their own events, and so do
 * the link-local addresses their kernel gives them: not the engine's. */
static bool link_is_ours(struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)IFLA_PAYLOAD(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *ifi))
		return true;
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME && RTA_PAYLOAD(a) >= 3 &&
		    memcmp(RTA_DATA(a), "vif", 3) == 0)
			return true;
	return false;
}

static bool relevant(struct nlmsghdr *h)
{
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return !link_is_ours(h);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)) &&
		       ((struct ifaddrmsg *)NLMSG_DATA(h))->ifa_scope != RT_SCOPE_LINK;
	default:
		return false;
	}
}

/* Every message waiting; true when one of them is the engine's. A full
 * socket buffer (ENOBUFS) lost some: that counts as a change too. */
static bool read_changes(struct mon_netwatch *w)
{
	static uint32_t buf[NL_READ_BUF / 4];  /* aligned for nlmsghdr */
	bool changed = false;

	for (;;) {
		ssize_t n = recv(w->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return changed || errno == ENOBUFS;
		if (n == 0)
			return changed;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			changed |= relevant(h);
	}
}

/* In the child: the sync's output is for the monitor's log, never the
 * container's stdio, which are fds 0-2 here; the signals the monitor holds
 * for the container are not the sync's, nor its tools'. */
static _Noreturn void exec_sync(const struct monitor_handoff *h)
{
	char domid[16], log_path[PATH_MAX];
	const char *argv[12];
	sigset_t none;
	int n, null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(126);
	if (null > 2)
		close(null);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	snprintf(domid, sizeof domid, "%u", h->domid);
	n = monitor_vxn_argv(h, argv, log_path, sizeof log_path);
	argv[n++] = "monitor-net-sync";
	argv[n++] = domid;
	argv[n++] = h->state_dir;
	argv[n] = NULL;
	execv(h->vxn_path, (char *const *)argv);
	_exit(127);
}

/* The frames the sync (or create) left for the guest, each checked once more. */
void netwatch_send_added(const struct monitor_handoff *h, struct channel *ch)
{
	char path[PATH_MAX];
	void *data = NULL;
	size_t len = 0, at = 0;
	struct vxn_err err;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", h->state_dir, MONITOR_NET_ADDED) >=
	    sizeof path)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	int r = read_bounded(fd, MONITOR_NET_ADDED_MAX * (VXN_FRAME_HDR_BYTES + VXN_NET_MAX_BYTES),
			     &data, &len);
	close(fd);
	unlink(path);
	while (r == 0 && len - at >= VXN_FRAME_HDR_BYTES) {
		const uint8_t *p = (const uint8_t *)data + at;
		struct vxn_frame_hdr fh;
		struct vxn_net net;
		if (vxn_frame_hdr_decode(p, &fh) || fh.type != VXN_F_NET_ADD ||
		    fh.len > len - at - VXN_FRAME_HDR_BYTES ||
		    vxn_net_decode(p + VXN_FRAME_HDR_BYTES, fh.len, &net)) {
			log_warn("monitor: %s: not NET_ADD frames", path);
			break;
		}
		if (channel_send(ch, VXN_F_NET_ADD, 0, p + VXN_FRAME_HDR_BYTES, fh.len, &err))
			log_warn("monitor: a new NIC for the guest: %s", err.msg);
		else
			log_debug("monitor: NET_ADD sent (%u addresses)", net.naddrs);
		at += VXN_FRAME_HDR_BYTES + fh.len;
	}
	free(data);
}

static void reap(struct mon_netwatch *w, long now_ms, const struct monitor_handoff *h,
		 struct channel *ch)
{
	int st;
	pid_t p = waitpid(w->sync, &st, WNOHANG);

	if (p == 0 || (p < 0 && errno == EINTR))
		return;
	w->sync = 0;
	if (p < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		log_warn("monitor: vxn monitor-net-sync failed (status 0x%x): see this log",
			 p > 0 ? (unsigned)st : 0u);
	/* a sync that failed on one interface may have plugged another */
	netwatch_send_added(h, ch);
	if (w->again) {
		w->again = false;
		w->due_ms = now_ms + SETTLE_MS;
	}
}

void netwatch_tick(struct mon_netwatch *w, bool readable, long now_ms,
		   const struct monitor_handoff *h, struct channel *ch)
{
	if (w->fd < 0)
		return;
	if (readable && read_changes(w)) {
		if (w->sync > 0)
			w->again = true;
		else
			w->due_ms = now_ms + SETTLE_MS;
	}
	if (w->sync > 0)
		reap(w, now_ms, h, ch);
	if (w->sync > 0 || w->due_ms < 0 || now_ms < w->due_ms)
		return;
	w->due_ms = -1;
	pid_t p = fork();
	if (p == 0)
		exec_sync(h);
	if (p < 0)
		log_warn("monitor: fork: %s: the guest's NICs do not follow the namespace",
			 strerror(errno));
	else
		w->sync = p;
}
