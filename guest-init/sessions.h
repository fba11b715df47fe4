/* The relay's sessions: lookup, starting the processes `vxn exec` asks for,
 * reporting how they ended, and answering process listings. */
#ifndef VXN_GUEST_SESSIONS_H
#define VXN_GUEST_SESSIONS_H

#include "relay.h"

#define RELAY_STDIN_CAP VXN_STDIN_WINDOW  /* the host never sends more */
/* After a process exits, how long its leftover output may take. */
#define RELAY_DRAIN_MS 5000

struct session *session_of(struct relay *r, uint16_t stream);
struct session *session_of_pid(struct relay *r, pid_t pid);
/* EXEC_START for stream: 1 when handled (started, or refused with ERROR and
 * EXIT on that stream), 0 when the outgoing queue has no room for the answer
 * yet. */
int session_exec(struct relay *r, uint16_t stream, const uint8_t *p, size_t len);

/* The parts of a start, for podctr.c. Whether the answer to a start fits
 * the outgoing queue now. */
bool session_answer_room(const struct relay *r);
/* Why stream cannot start a process now (a stream in use, the main process
 * gone, no free session), or NULL. */
const char *session_cannot_start(struct relay *r, uint16_t stream);
/* Refuse a start: ERROR with this text and EXIT 255 on stream; returns 1. */
int session_refusef(struct relay *r, uint16_t stream, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Start l's process in a free session for stream (place: proc_start's);
 * refused as above when it cannot be. Returns 1, with *started the session
 * when the process was forked, else NULL. */
int session_start(struct relay *r, uint16_t stream, const struct vxn_launch *l,
		  const struct proc_place *place, struct session **started);
/* PS_REQUEST with this tag: 1 when answered, 0 when it must wait for room. */
int session_ps(struct relay *r, uint16_t tag);
/* STATS_REQUEST: one STATS_REPLY on tag (empty when /proc cannot be read). */
int session_stats(struct relay *r, uint16_t tag);
/* Report and free every exec session whose process has exited and whose
 * output is drained (or whose drain time is up). */
void sessions_finish(struct relay *r);
void session_exit_of(const struct session *s, struct vxn_exit *e);

#endif
