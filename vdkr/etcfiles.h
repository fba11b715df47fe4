/* The files docker writes for every container it runs on a network of its
 * own (bridge or none), and binds over the image's: /etc/hosts,
 * /etc/hostname and /etc/resolv.conf, as text. Pure: text in, text out;
 * cmd_run.c writes them beside the container and lists them in config.json,
 * and vxn hands them to the guest. */
#ifndef VDKR_ETCFILES_H
#define VDKR_ETCFILES_H

#include <stddef.h>

/* docker's: the loopback names, then "IP<TAB>NAME" for each --add-host
 * NAME:IP of extra (IP "host-gateway": gateway), then "IP<TAB>HOSTNAME"
 * when the container has an address (ip NULL or "": none). malloc'd; NULL
 * on ENOMEM, or for host-gateway without a gateway (NULL or ""). */
char *etc_hosts(const char *hostname, const char *ip, const char *const *extra, size_t nextra,
		const char *gateway);
/* "HOSTNAME\n". */
char *etc_hostname(const char *hostname);
/* The host's resolv.conf (host, len bytes; NULL: none) as docker filters
 * it for a container without IPv6: its loopback and IPv6 name servers
 * dropped (neither answers from inside the container's network), and when
 * none is left, docker's defaults (8.8.8.8, 8.8.4.4). Other lines stay.
 * With --dns (dns, ndns > 0) the host's servers are all dropped and dns's
 * named instead, as docker does. malloc'd, NULL on ENOMEM. */
char *etc_resolv_conf(const char *host, size_t len, const char *const *dns, size_t ndns);
/* 1 when text names systemd-resolved's stub (127.0.0.53) as a name
 * server: docker then reads the servers behind it instead. */
int etc_resolv_names_stub(const char *text, size_t len);

#endif
