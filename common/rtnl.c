/* See rtnl.h. */
#include "rtnl.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

void rtnl_init(struct rtnl_req *q, uint16_t type, uint16_t flags, size_t hdr_len)
{
	memset(q, 0, sizeof *q);
	q->h.nlmsg_len = NLMSG_LENGTH(hdr_len);
	q->h.nlmsg_type = type;
	q->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
}

int rtnl_attr(struct rtnl_req *q, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(q->h.nlmsg_len);

	if (at + RTA_SPACE(len) > sizeof *q)
		return -1;
	struct rtattr *a = (struct rtattr *)((char *)q + at);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	q->h.nlmsg_len = (uint32_t)(at + RTA_ALIGN(a->rta_len));
	return 0;
}

int rtnl_talk(int fd, struct rtnl_req *q)
{
	/* an ack of an error quotes the request, extended acks add text */
	union {
		struct nlmsghdr h;
		char buf[1024];
	} r;

	q->h.nlmsg_flags |= NLM_F_ACK;
	ssize_t n;

	while ((n = send(fd, q, q->h.nlmsg_len, 0)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)q->h.nlmsg_len)
		return n < 0 ? -errno : -EPROTO;
	while ((n = recv(fd, r.buf, sizeof r.buf, 0)) < 0 && errno == EINTR)
		;
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || r.h.nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	return ((struct nlmsgerr *)NLMSG_DATA(&r.h))->error;
}
