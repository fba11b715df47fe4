/* Phase timing for the benchmark (tests/bench): with --debug, one log line
 * "phase NAME MS" per step of create/start/delete, on the monotonic clock,
 * so the time to a container's workload can be broken down per step. */
#ifndef VXN_PHASE_H
#define VXN_PHASE_H

#include <time.h>

struct phase {
	struct timespec t0;
};

void phase_begin(struct phase *p);

/* Logs "phase NAME MS at T": the time since phase_begin (or the previous
 * phase_end) and the end time T (CLOCK_MONOTONIC seconds); starts the next
 * phase now. */
void phase_end(struct phase *p, const char *name);

#endif
