/* vdkr/etcfiles.c: docker's /etc/hosts, /etc/hostname and resolv.conf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "etcfiles.h"

#define LOOPBACK_NAMES                                                                    \
	"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"               \
	"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"        \
	"ff02::2\tip6-allrouters\n"

static void test_hosts_and_hostname(void **state)
{
	(void)state;
	char *t = etc_hosts("0123456789ab", "198.18.96.5", NULL, 0, NULL);
	assert_string_equal(t, LOOPBACK_NAMES "198.18.96.5\t0123456789ab\n");
	free(t);
	t = etc_hosts("box", "", NULL, 0, "");
	assert_string_equal(t, LOOPBACK_NAMES);
	free(t);
	t = etc_hosts("box", NULL, NULL, 0, NULL);
	assert_string_equal(t, LOOPBACK_NAMES);
	free(t);
	/* --add-host: after the loopback names, before the container's own */
	const char *extra[] = { "db:198.51.100.7", "v6:2001:db8::1", "dom0:host-gateway" };
	t = etc_hosts("box", "198.18.96.5", extra, 3, "198.18.96.1");
	assert_string_equal(t, LOOPBACK_NAMES "198.51.100.7\tdb\n2001:db8::1\tv6\n"
			    "198.18.96.1\tdom0\n198.18.96.5\tbox\n");
	free(t);
	/* host-gateway without a gateway (no network) */
	assert_null(etc_hosts("box", "", extra + 2, 1, ""));
	assert_null(etc_hosts("box", "", extra + 2, 1, NULL));
	t = etc_hostname("box");
	assert_string_equal(t, "box\n");
	free(t);
}

static void resolv_is(const char *host, const char *want)
{
	char *t = etc_resolv_conf(host, host ? strlen(host) : 0, NULL, 0);
	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

static void test_resolv_conf(void **state)
{
	(void)state;
	/* kept as they are: other servers, search, options, comments */
	resolv_is("# from dhcp\nsearch example.org\nnameserver 192.0.2.53\noptions ndots:2\n",
		  "# from dhcp\nsearch example.org\nnameserver 192.0.2.53\noptions ndots:2\n");
	/* loopback and IPv6 servers dropped; the last line gets its newline */
	resolv_is("nameserver 127.0.0.1\nnameserver\t203.0.113.9 # office\n nameserver ::1\n"
		  "nameserver 2001:db8::53\nsearch lab",
		  "nameserver\t203.0.113.9 # office\nsearch lab\n");
	/* nothing left, or nothing at all: docker's defaults */
	resolv_is("nameserver 127.0.0.53\noptions edns0\n",
		  "options edns0\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	resolv_is(NULL, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	resolv_is("", "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	/* "nameservers" is not the keyword; a bare keyword names nothing */
	resolv_is("nameservers 192.0.2.1\nnameserver\n",
		  "nameservers 192.0.2.1\nnameserver\n" "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}

/* --dns: the host's servers all go, the given ones are named; the rest stays */
static void test_resolv_dns(void **state)
{
	(void)state;
	const char *dns[] = { "192.0.2.53", "2001:db8::53" };
	const char *host = "search lab\nnameserver 203.0.113.9\noptions ndots:2\n";
	char *t = etc_resolv_conf(host, strlen(host), dns, 2);
	assert_string_equal(t, "search lab\noptions ndots:2\nnameserver 192.0.2.53\n"
			    "nameserver 2001:db8::53\n");
	free(t);
	t = etc_resolv_conf(NULL, 0, dns, 1);
	assert_string_equal(t, "nameserver 192.0.2.53\n");
	free(t);
}

static void test_resolv_stub(void **state)
{
	(void)state;
	const char *stub = "nameserver 127.0.0.53\noptions edns0 trust-ad\n";
	const char *plain = "nameserver 192.0.2.53\n";
	assert_int_equal(etc_resolv_names_stub(stub, strlen(stub)), 1);
	assert_int_equal(etc_resolv_names_stub(plain, strlen(plain)), 0);
	assert_int_equal(etc_resolv_names_stub(NULL, 0), 0);
	assert_int_equal(etc_resolv_names_stub(stub, 12), 0);  /* cut before the address */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_and_hostname),
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_resolv_dns),
		cmocka_unit_test(test_resolv_stub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
