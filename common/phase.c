/* Phase timing lines: "phase NAME MS" with microsecond resolution, because
 * the log's own timestamps have whole seconds only. */
#include "phase.h"

#include "log.h"

void phase_begin(struct phase *p)
{
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
}

void phase_end(struct phase *p, const char *name)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - p->t0.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - p->t0.tv_nsec) / 1e6;
	/* the end time on CLOCK_MONOTONIC lets the benchmark place each phase on
	 * its own timeline (same clock as Python's time.monotonic) */
	log_debug("phase %s %.3f at %ld.%06ld", name, ms, (long)now.tv_sec, now.tv_nsec / 1000);
	p->t0 = now;
}
