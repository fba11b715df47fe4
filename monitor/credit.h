/* Output credit the monitor gives back to guest-init (vxn-proto.h: flow
 * control), for the container's stdio and each exec stream alike. */
#ifndef VXN_MONITOR_CREDIT_H
#define VXN_MONITOR_CREDIT_H

#include <stdint.h>

struct channel;

/* Give a stream's output credit back to the guest once *pending reaches a
 * quarter window: the guest always keeps at least the rest of its window,
 * and a CREDIT (an event for the guest) per frame cost stdout throughput.
 * One CREDIT carries a window at most; what is sent comes off *pending, and
 * a full channel keeps it for the next call. ch NULL: nothing. */
void credit_give(struct channel *ch, uint16_t stream, uint32_t *pending);

#endif
