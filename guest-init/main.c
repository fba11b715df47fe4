/* vxn-init: PID 1 of every container guest. Mounts what the container
 * needs, connects to the host's monitor, runs the container's process,
 * relays its stdio and signals, reports how it ended and powers off. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "channel.h"
#include "console.h"
#include "dns.h"
#include "exec.h"
#include "launch-read.h"
#include "mounts.h"
#include "net.h"
#include "podlaunch.h"
#include "pool.h"
#include "relay.h"
#include "sysctl.h"
#include "util.h"

#define ROOT_DEVICE_WAIT_MS 10000
#define CHANNEL_WAIT_MS 5000
#define FLUSH_MS 10000
#define FATAL_EXIT_CODE 255

static struct relay relay;
static bool channel_up;
static uint64_t started_ms, root_disk_ms, root_ms, shares_ms, mounts_ms;

static void __attribute__((noreturn)) power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* not PID 1 (a test run) or not allowed: just stop */
	console_say("poweroff failed: %s", strerror(errno));
	_exit(1);
}

/* Tell the console and, when it is up, the host; then stop the guest. */
static void __attribute__((noreturn)) fatal(const struct vxn_err *err)
{
	console_say("fatal: %s", err->msg);
	if (channel_up) {
		struct vxn_exit e = { VXN_EXIT_CODE, FATAL_EXIT_CODE };
		uint8_t p[VXN_EXIT_BYTES];
		size_t n = strlen(err->msg);
		relay_queue(&relay, VXN_F_ERROR, err->msg, n < VXN_ERROR_MAX ? n : VXN_ERROR_MAX);
		relay_queue(&relay, VXN_F_EXIT, p, vxn_exit_encode(&e, p));
		relay_flush(&relay, FLUSH_MS);
	}
	power_off();
}

/* SIGCHLD goes through a signalfd so the relay sees it in its poll loop;
 * SIGPIPE is ignored so a closed stdin is a write error, not our death. */
static int signals_setup(struct vxn_err *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGPWR);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return err_set(err, errno, "sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "signalfd");
	return fd;
}

static void connect_host(int sigfd, struct vxn_err *err)
{
	struct channel *ch = channel_open(CHANNEL_WAIT_MS, err);

	if (!ch)
		fatal(err);
	relay_init(&relay, ch, sigfd);
	channel_up = true;
	relay_queue(&relay, VXN_F_HELLO, NULL, 0);
	if (channel_send(ch, &relay.out) < 0) {
		err_set(err, 0, "host channel closed");
		fatal(err);
	}
}

static void prepare_root(const struct vxn_launch *l, struct vxn_err *err)
{
	if (!root_is_shared(l) && device_wait(VXN_ROOT_DEVICE, ROOT_DEVICE_WAIT_MS, err) != 0)
		fatal(err);
	root_disk_ms = uptime_ms();
	if (mount_root(l, err) != 0)
		fatal(err);
	root_ms = uptime_ms();
	if (mount_shares(l, err) != 0)
		fatal(err);
	shares_ms = uptime_ms();
	if (mount_container(l, err) != 0 || apply_sysctls(l, err) != 0)
		fatal(err);
	mounts_ms = uptime_ms();
	if (l->hostname[0] && sethostname(l->hostname, strlen(l->hostname)) != 0) {
		err_set(err, errno, "sethostname");
		fatal(err);
	}
}

/* Every process guest-init forks from now on lands in the new PID
 * namespace, the first (the container's) as its init: execs join it with
 * no setns, and when the init ends the kernel ends them too, as under runc.
 * guest-init stays outside, still the guest's init, seeing every process. */
static void pid_namespace_enter(const struct vxn_launch *l, struct vxn_err *err)
{
	if (l->pid_namespace && unshare(CLONE_NEWPID) != 0) {
		err_set(err, errno, "unshare the PID namespace");
		fatal(err);
	}
}

/* A network namespace of its own: the host sends what the engine made in
 * it once the hooks ran (create); otherwise loopback alone, as runc's
 * containers always have it. */
static struct net_resolv resolv;

static void prepare_net(const struct vxn_launch *l, struct vxn_err *err)
{
	struct vxn_net net;
	char name[IF_NAMESIZE];

	if (!l->net_wait) {
		if (net_loopback_up(err) != 0)
			fatal(err);
		return;
	}
	if (net_receive(&relay, &net, &resolv, err) != 0 || net_configure(&net, name, err) != 0)
		fatal(err);
	net_pending_settle(&relay.nets);
	console_say("network: %s %s at %llu ms uptime", net.has_nic ? name : "lo",
		    net.has_nic ? "up" : "only", (unsigned long long)uptime_ms());
}

/* The resolv.conf the engine rewrote in its hooks replaces the root disk's
 * copy. Docker's resolver is in the network namespace on the host: when
 * that file names it, guest-init answers in its place before the process
 * can ask. Without either the container runs on, as it would with a
 * resolver that does not answer. */
static void prepare_dns(void)
{
	static const char path[] = GUEST_ROOT "/etc/resolv.conf";
	struct vxn_err err = { 0 };

	if (resolv.len && dns_resolv_conf_write(path, resolv.text, resolv.len, &err) != 0)
		console_say("resolv.conf not updated: %s", err.msg);
	if (dns_guest_start(&relay.dns, path, &err) != 0)
		console_say("no DNS relay: %s", err.msg);
}

static void start_process(const struct vxn_launch *l, struct proc *p, struct vxn_err *err)
{
	struct exec_report rep;

	const struct proc_place own = { .root = NULL, .mnt_fd = -1, .own = true, .cgroup_fd = -1 };

	pid_namespace_enter(l, err);
	if (proc_start(l, &own, p, &rep, err) != 0)
		fatal(err);
	if (rep.status != 0) {
		console_say("%s", rep.text);
		relay_queue(&relay, VXN_F_ERROR, rep.text, strlen(rep.text));
		return;
	}
	/* `start` waits for this, as runc's returns once the process runs */
	relay_queue(&relay, VXN_F_EXEC_STARTED, NULL, 0);
	console_say("exec after %llu ms uptime (init started at %llu, root disk at %llu)",
		    (unsigned long long)uptime_ms(), (unsigned long long)started_ms,
		    (unsigned long long)root_disk_ms);
	/* where the time between root disk and exec went (9pfs shares wait
	 * for QEMU's backends) */
	console_say("mounted: root at %llu, %u shares at %llu, mounts at %llu ms uptime",
		    (unsigned long long)root_ms, (unsigned)l->nshares,
		    (unsigned long long)shares_ms, (unsigned long long)mounts_ms);
}

/* `xl shutdown` reaches the guest's kernel (drivers/xen/manage.c), which runs
 * kernel.poweroff_cmd: that is this program again, as POWEROFF_HELPER, and it
 * asks PID 1 with SIGPWR (the relay stops the containers as docker stop
 * would). Without it the kernel finds no /sbin/poweroff and the request
 * is lost. */
#define POWEROFF_HELPER "poweroff"

static void poweroff_helper_install(void)
{
	static const char cmd[] = "/init " POWEROFF_HELPER;
	int fd = open("/proc/sys/kernel/poweroff_cmd", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write_all(fd, cmd, sizeof cmd - 1) != 0)
		console_say("xl shutdown will not reach the container: poweroff_cmd: %s",
			    strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct vxn_err err = { 0 };
	struct vxn_launch launch;
	struct proc proc;
	struct vxn_exit result;

	if (getpid() != 1 && argc == 2 && strcmp(argv[1], POWEROFF_HELPER) == 0)
		return kill(1, SIGPWR) == 0 ? 0 : 1;
	started_ms = uptime_ms();
	int sigfd = signals_setup(&err);
	if (sigfd < 0 || mount_early(&err) != 0 || modules_load(&err) != 0)
		fatal(&err);
	poweroff_helper_install();
	bool pooled = pool_mode();
	if (pooled && pool_wait_for_monitor(&err) != 0)
		fatal(&err);
	/* the channel comes first so that every later failure reaches the host */
	connect_host(sigfd, &err);
	if ((pooled ? pool_receive_launch(&relay, &launch, &err)
		    : launch_read(VXN_LAUNCH_PATH, &launch, &err)) != 0)
		fatal(&err);
	prepare_net(&launch, &err);
	prepare_root(&launch, &err);
	relay.pod_share = podlaunch_is_pod(&launch);
	prepare_dns();
	start_process(&launch, &proc, &err);
	if (relay_run(&relay, &proc, &result, &err) != 0)
		fatal(&err);
	uint8_t p[VXN_EXIT_BYTES];
	relay_queue(&relay, VXN_F_EXIT, p, vxn_exit_encode(&result, p));
	if (relay_flush(&relay, FLUSH_MS) != 0)
		console_say("the host did not read the exit report in time");
	console_say("container process ended (status %d), powering off",
		    vxn_exit_status(&result));
	power_off();
}
