/* hostile-init's xenstore misdeeds (tests/lab/hostile-xenstore.c). */
#ifndef VXN_HOSTILE_XENSTORE_H
#define VXN_HOSTILE_XENSTORE_H

/* Rewrites what it can of the domain's xenstore home, fills its quota and
 * tries keys outside it; says the counts on the console. */
void hostile_xenstore(void);

#endif
