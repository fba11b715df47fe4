/* The container's own stdio (stream 0) in the monitor: its output from the
 * guest into bounded buffers for its readers (outbuf.h), what the readers
 * took given back to guest-init as credit, and its stdin into the channel
 * within the window guest-init gives back (vxn-proto.h: flow control). A
 * reader that stalls holds back the container's process only; stdin bytes
 * are read only when the channel can take them, so none is lost while the
 * container lives. Only channel.h's calls reach the guest: the unit tests
 * drive this module over an in-memory channel. */
#ifndef VXN_MONITOR_STDIO_H
#define VXN_MONITOR_STDIO_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "channel.h"
#include "outbuf.h"

struct mon_stdio {
	int in_fd;              /* the container's stdin: fd 0, or the pty */
	bool in_open;
	bool in_is_pty;         /* terminal mode: a hang-up is no STDIN_EOF */
	uint32_t in_credit;     /* stdin bytes guest-init still takes */
	struct outbuf out[2];   /* the container's stdout and stderr */
	uint32_t out_credit;    /* output the readers took, not yet given back */
	uint32_t out_in_flight; /* output frames' bytes (headers included) the guest
				 * sent and no CREDIT has given back yet */
	int slot_in, slot_out[2];  /* their places in the last poll set, or -1 */
};

/* in_fd is read, out_fd and err_fd written (the same pty in terminal mode). */
int stdio_init(struct mon_stdio *s, int in_fd, int out_fd, int err_fd, bool in_is_pty);
void stdio_dispose(struct mon_stdio *s);

/* Stream 0's STDOUT (or STDERR) frame from the guest: to its reader. false,
 * taking nothing, when the frame goes past the guest's window (vxn-proto.h:
 * flow control): a guest-init that keeps to the protocol never does, and
 * a guest that does is ended, as xen-netback disables a frontend whose
 * requests break the ring's rules. Dropping the excess instead cost the
 * monitor most of a core and its neighbours half their speed
 * (tests/RELIABILITY.md). */
bool stdio_guest_output(struct mon_stdio *s, uint8_t type, const uint8_t *p, uint32_t len);
/* Stream 0's CREDIT frame: guest-init took more stdin. false when malformed. */
bool stdio_guest_credit(struct mon_stdio *s, const uint8_t *p, uint32_t len);

/* Whether stdin is to be read now: open, guest-init up (hello), a frame's
 * worth of its window left and room for a frame in the channel. */
bool stdio_stdin_wanted(const struct mon_stdio *s, const struct channel *ch, bool hello);
/* Add stdin (when wanted) and the outputs with bytes waiting to a poll set. */
void stdio_poll_add(struct mon_stdio *s, const struct channel *ch, bool hello,
		    struct pollfd *fds, int *n);
/* After poll: write what the ready readers take. */
void stdio_poll_out(struct mon_stdio *s, const struct pollfd *fds);
/* After poll and after the guest's frames: read stdin if it was ready. */
void stdio_poll_in(struct mon_stdio *s, struct channel *ch, const struct pollfd *fds);
/* One read of stdin into the channel as a STDIN frame (at EOF a STDIN_EOF). */
void stdio_relay_stdin(struct mon_stdio *s, struct channel *ch);
/* Give guest-init back what the readers took (and the frames' headers). */
void stdio_give_credit(struct mon_stdio *s, struct channel *ch);

/* Output still waiting for its readers. */
bool stdio_out_pending(const struct mon_stdio *s);
size_t stdio_out_bytes(const struct mon_stdio *s);

#endif
