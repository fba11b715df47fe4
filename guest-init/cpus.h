/* CPUs that Xen makes available (cpu/N/availability = online, e.g. `vxn
 * update --cpus`) are only made present by the kernel's Xen hotplug driver;
 * bringing them online is userspace's job (udev rules elsewhere). guest-init
 * listens for the kernel's uevents and onlines every present CPU. Taking
 * CPUs away needs nothing: the kernel offlines them itself. */
#ifndef VXN_GUEST_CPUS_H
#define VXN_GUEST_CPUS_H

/* A non-blocking uevent socket to poll, or -1 (then CPUs stay as they are). */
int cpu_events_open(void);
/* Drain fd; when a CPU was added, online every present CPU that is not. */
void cpu_events_handle(int fd);

#endif
