/* guest-init/stats.c read on this machine's /proc: what it reports must be
 * what the host decoder accepts, and match what the C library sees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "stats.h"

static void test_reads_this_machine(void **state)
{
	(void)state;
	struct vxn_guest_stats s, back;
	uint8_t buf[VXN_GUEST_STATS_BYTES];
	uint64_t phys_kib = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;

	assert_int_equal(guest_stats_read(&s), 0);
	/* MemTotal is physical memory less what the kernel keeps for itself */
	assert_true(s.mem_total_kib > 0 && s.mem_total_kib <= phys_kib + 1024);
	assert_true(s.mem_total_kib > phys_kib / 2);
	assert_true(s.mem_free_kib > 0 && s.mem_free_kib <= s.mem_total_kib);
	assert_true(s.mem_available_kib >= s.mem_free_kib / 2);
	assert_int_equal(s.cpus_online, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
	/* this test itself is a process with a command line */
	assert_true(s.processes >= 1);
	vxn_guest_stats_encode(&s, buf);
	assert_int_equal(vxn_guest_stats_decode(buf, sizeof buf, &back), 0);
	assert_memory_equal(&back, &s, sizeof s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_this_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
