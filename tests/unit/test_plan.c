/* plan.c: each fixture's plan is compared with tests/unit/golden/<fixture>.plan.json.
 * After an intended change, regenerate them with VXN_UPDATE_GOLDEN=1 set in the
 * environment of this test binary and review the diff; meson never sets it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan.h"
#include "rt_fixture.h"

#define BUNDLE "/run/containerd/io.containerd.runtime.v2.task/default/c1"
#define STATE_DIR "/run/vxn/c1"

static struct vxn_config test_config = {
	.memory_mib = 64,
	.pod_overhead_mib = 48,
	.vcpus = 1,
	.kernel = "/usr/share/vxn/vmlinux",
	.initramfs = "/usr/share/vxn/initramfs.cpio",
	.kernel_args = "console=hvc0 quiet",
	.disk_format = "ext4",
	.state_root = "/run/vxn",
};

static int plan_fixture(const char *name, struct vxn_plan *p, struct vxn_err *err)
{
	char path[256];
	size_t len;
	struct vxn_spec s;
	snprintf(path, sizeof path, "fixtures/%s.json", name);
	char *json = fixture_read(path, &len);
	assert_non_null(json);
	assert_int_equal(spec_parse(json, len, &s, err), 0);
	free(json);
	int r = plan_from_spec(&s, &test_config, "c1", BUNDLE, STATE_DIR, p, err);
	spec_free(&s);
	return r;
}

/* The plan of fixtures/<name>.json against golden/<golden>.plan.json. */
static void check_golden_as(const char *name, const char *golden)
{
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	char path[256];
	if (plan_fixture(name, &p, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	char *got = plan_to_json(&p);
	assert_non_null(got);
	plan_free(&p);
	snprintf(path, sizeof path, "golden/%s.plan.json", golden);
	const char *update = getenv("VXN_UPDATE_GOLDEN");
	if (update && strcmp(update, "1") == 0)
		assert_int_equal(fixture_write(path, got), 0);
	char *want = fixture_read(path, NULL);
	if (!want)
		fail_msg("%s missing: run with VXN_UPDATE_GOLDEN=1 and review it", path);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs from the plan:\n%s", path, got);
	free(got);
	free(want);
}

static void check_golden(const char *name) { check_golden_as(name, name); }

static void test_golden_docker(void **state) { (void)state; check_golden("docker"); }
static void test_golden_podman(void **state) { (void)state; check_golden("podman"); }
static void test_golden_ctr(void **state) { (void)state; check_golden("ctr"); }
static void test_golden_resources(void **state) { (void)state; check_golden("resources"); }
static void test_golden_annotations(void **state) { (void)state; check_golden("annotations"); }
/* host binds become shares: one per (source, read-only), the engine's file a
 * share too since the guest has a 9pfs backend anyway, /dev/shm the guest's */
static void test_golden_volumes(void **state) { (void)state; check_golden("volumes"); }
/* rootfs = share: the rootfs is the last share, root_fstype says so, and
 * the engine's files and init are shares rather than copy-ins */
static void test_golden_root_share(void **state)
{
	(void)state;
	test_config.rootfs_share = true;
	check_golden_as("docker", "docker-root-share");
	check_golden_as("volumes", "volumes-root-share");
	test_config.rootfs_share = false;
}

static void test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *fixture;
		const char *message;
	} cases[] = {
		{ "plan-many-volumes", "mounts[32]: more than 32 host sources to share with one guest" },
		{ "plan-memory-huge", "linux.resources.memory.limit: 9223372036854775807 bytes is more than" },
		{ "plan-nfs", "mounts[0] /mnt: filesystem type 'nfs' is not supported" },
		{ "plan-bad-vcpus-annotation", "annotations.org.xenproject.vxn.vcpus: must be a number" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct vxn_plan p;
		struct vxn_err err = { 0 };
		int r = plan_fixture(cases[i].fixture, &p, &err);
		if (r != -1 || !strstr(err.msg, cases[i].message))
			fail_msg("%s: got %d '%s', want '%s'", cases[i].fixture, r, err.msg,
				 cases[i].message);
		assert_null(p.name); /* nothing left allocated */
	}
}

/* vdkr's image-wide root disk: taken read-only as EROFS by a disk root
 * without copy-ins; left alone for a shared root or engine files to copy */
static void test_shared_image(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };

	assert_int_equal(plan_fixture("ctr", &p, &err), 0);
	assert_int_equal(p.ncopy_in, 0);
	assert_false(p.disk_readonly);
	assert_int_equal(plan_use_shared_image(&p, &err), 0);
	assert_string_equal(p.disk_format, "erofs");
	assert_string_equal(p.launch.root_fstype, "erofs");
	assert_true(p.disk_readonly);
	plan_free(&p);

	assert_int_equal(plan_fixture("docker", &p, &err), 0);
	assert_true(p.ncopy_in > 0);
	assert_int_equal(plan_use_shared_image(&p, &err), 1);
	assert_string_equal(p.disk_format, "ext4");
	assert_string_equal(p.launch.root_fstype, "ext4");
	plan_free(&p);

	test_config.rootfs_share = true;
	assert_int_equal(plan_fixture("ctr", &p, &err), 0);
	test_config.rootfs_share = false;
	assert_int_equal(plan_use_shared_image(&p, &err), 1);
	assert_false(p.disk_readonly);
	plan_free(&p);
}

static int plan_inline(const char *json, struct vxn_plan *p, struct vxn_err *err)
{
	struct vxn_spec s;
	assert_int_equal(spec_parse(json, strlen(json), &s, err), 0);
	int r = plan_from_spec(&s, &test_config, "c1", BUNDLE, STATE_DIR, p, err);
	spec_free(&s);
	return r;
}

static int member_inline(const char *resources, struct vxn_plan *p, struct vxn_err *err)
{
	char json[512];
	struct vxn_spec s;
	snprintf(json, sizeof json, "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
		 "\"linux\":{\"resources\":%s}}", resources);
	assert_int_equal(spec_parse(json, strlen(json), &s, err), 0);
	int r = plan_member(&s, &test_config, "c2", BUNDLE, STATE_DIR, "/run/vxn/pod/shares/pod",
			    "c2", p, err);
	spec_free(&s);
	return r;
}

/* A pod container's own limits go to guest-init (a cgroup in the pod's
 * guest): memory as is, a quota with its period or the kernel's default */
static void test_member_limits(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };

	assert_int_equal(member_inline("{\"memory\":{\"limit\":33554432},"
				       "\"cpu\":{\"quota\":50000,\"period\":200000}}", &p, &err), 0);
	assert_true(p.launch.memory_max == 33554432);
	assert_true(p.launch.cpu_quota_us == 50000 && p.launch.cpu_period_us == 200000);
	plan_free(&p);
	assert_int_equal(member_inline("{\"cpu\":{\"quota\":20000}}", &p, &err), 0);
	assert_true(p.launch.memory_max == 0);
	assert_true(p.launch.cpu_quota_us == 20000 && p.launch.cpu_period_us == 100000);
	plan_free(&p);
	assert_int_equal(member_inline("{\"memory\":{\"limit\":-1},\"cpu\":{\"quota\":-1}}", &p,
				       &err), 0);
	assert_true(p.launch.memory_max == 0 && p.launch.cpu_quota_us == 0 &&
		    p.launch.cpu_period_us == 0);
	plan_free(&p);
	assert_int_equal(member_inline("{\"cpu\":{\"quota\":500,\"period\":100000}}", &p, &err),
			 -1);
	assert_non_null(strstr(err.msg, "linux.resources.cpu: quota 500 per period 100000"));
	assert_null(p.name);
}

static void test_memory_rounding(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	/* a tiny limit still boots: 32 MiB floor */
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"linux\":{\"resources\":{\"memory\":{\"limit\":1000}}}}", &p, &err), 0);
	assert_int_equal(p.memory_kib, 32 * 1024);
	plan_free(&p);
	/* one byte over 100 MiB rounds up to 101 MiB */
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"linux\":{\"resources\":{\"memory\":{\"limit\":104857601}}}}", &p, &err), 0);
	assert_int_equal(p.memory_kib, 101 * 1024);
	assert_int_equal(p.max_memory_kib, p.memory_kib);
	plan_free(&p);
	/* -1 (unlimited) falls back to the config */
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"linux\":{\"resources\":{\"memory\":{\"limit\":-1}}}}", &p, &err), 0);
	assert_int_equal(p.memory_kib, 64 * 1024);
	plan_free(&p);
}

static void test_vcpus(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	/* quota without period: the kernel's 100ms period; 250ms -> 3 vcpus */
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"linux\":{\"resources\":{\"cpu\":{\"quota\":250000}}}}", &p, &err), 0);
	assert_int_equal(p.vcpus, 3);
	assert_int_equal(p.max_vcpus, 3);
	plan_free(&p);
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"linux\":{\"resources\":{\"cpu\":{\"quota\":100000000,\"period\":1000}}}}",
				     &p, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.cpu.quota"));
}

static void test_maxima(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"annotations\":{\"org.xenproject.vxn.max-memory\":\"256\","
				     "\"org.xenproject.vxn.max-vcpus\":\"4\"}}", &p, &err), 0);
	assert_int_equal(p.memory_kib, 64 * 1024);
	assert_int_equal(p.max_memory_kib, 256 * 1024);
	assert_int_equal(p.vcpus, 1);
	assert_int_equal(p.max_vcpus, 4);
	plan_free(&p);
	/* a maximum below the start value is a mistake, not a silent clamp */
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"annotations\":{\"org.xenproject.vxn.max-memory\":\"32\"}}",
				     &p, &err), -1);
	assert_non_null(strstr(err.msg, "org.xenproject.vxn.max-memory"));
	assert_null(p.name);
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"annotations\":{\"org.xenproject.vxn.max-vcpus\":\"x\"}}",
				     &p, &err), -1);
	assert_non_null(strstr(err.msg, "org.xenproject.vxn.max-vcpus"));
}

#define SANDBOX_SPEC(resources, annotations)                                                 \
	"{\"process\":{\"args\":[\"/pause\"]},\"root\":{\"path\":\"/r\"},"                   \
	"\"linux\":{\"resources\":{" resources "}},"                                            \
	"\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","                    \
	"\"io.kubernetes.cri.sandbox-id\":\"s1\"" annotations "}}"

/* A pod's guest: the kubelet's sum of its containers' limits (CRI's
 * sandbox annotations) plus the configured pod overhead. */
static void test_pod_sizing(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	assert_int_equal(plan_inline(SANDBOX_SPEC("", ",\"io.kubernetes.cri.sandbox-memory\":"
						  "\"104857601\",\"io.kubernetes.cri.sandbox-cpu-quota\":"
						  "\"150000\",\"io.kubernetes.cri.sandbox-cpu-period\":"
						  "\"100000\""), &p, &err), 0);
	assert_int_equal(p.memory_kib, (101 + 48) * 1024);
	assert_int_equal(p.vcpus, 2);
	plan_free(&p);
	/* no limits in the pod ("0", "-1" or none): the config's sizes */
	assert_int_equal(plan_inline(SANDBOX_SPEC("", ",\"io.kubernetes.cri.sandbox-memory\":\"0\","
						  "\"io.kubernetes.cri.sandbox-cpu-quota\":\"-1\""),
				     &p, &err), 0);
	assert_int_equal(p.memory_kib, 64 * 1024);
	assert_int_equal(p.vcpus, 1);
	plan_free(&p);
	/* the sandbox's own limit, when a spec has one, wins */
	assert_int_equal(plan_inline(SANDBOX_SPEC("\"memory\":{\"limit\":209715200}",
						  ",\"io.kubernetes.cri.sandbox-memory\":\"104857600\""),
				     &p, &err), 0);
	assert_int_equal(p.memory_kib, 200 * 1024);
	plan_free(&p);
	assert_int_equal(plan_inline(SANDBOX_SPEC("", ",\"io.kubernetes.cri.sandbox-memory\":\"1G\""),
				     &p, &err), -1);
	assert_non_null(strstr(err.msg, "io.kubernetes.cri.sandbox-memory"));
	assert_null(p.name);
	assert_int_equal(plan_inline(SANDBOX_SPEC("", ",\"io.kubernetes.cri.sandbox-memory\":"
						  "\"18446744073709551615\""), &p, &err), -1);
	assert_non_null(strstr(err.msg, "a guest may have"));
	assert_int_equal(plan_inline(SANDBOX_SPEC("", ",\"io.kubernetes.cri.sandbox-cpu-quota\":"
						  "\"99999999999\""), &p, &err), -1);
	assert_non_null(strstr(err.msg, "io.kubernetes.cri.sandbox-cpu-quota"));
	/* only the sandbox's guest is the pod's: a plain container ignores them */
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
				     "\"annotations\":{\"io.kubernetes.cri.sandbox-memory\":\"104857600\"}}",
				     &p, &err), 0);
	assert_int_equal(p.memory_kib, 64 * 1024);
	plan_free(&p);
}

#define SHM_SPEC_FROM(source, annotations)                                                    \
	"{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"                     \
	"\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"bind\","                       \
	"\"source\":\"" source "\",\"options\":[\"rbind\",\"rw\"]}]"                         \
	annotations "}"
#define SHM_SPEC(annotations) SHM_SPEC_FROM("/run/pod1/shm", annotations)
#define MEMBER_ANNOTATIONS                                                                   \
	",\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","                \
	"\"io.kubernetes.cri.sandbox-id\":\"s1\"}"

static bool shares_dev_shm(const struct vxn_plan *p)
{
	for (size_t i = 0; i < p->nshares; i++)
		if (p->shares[i].destination && strcmp(p->shares[i].destination, "/dev/shm") == 0)
			return true;
	return false;
}

/* The engine's /dev/shm bind: the guest's own tmpfs for a container, but
 * the pod's one directory (a share) for each of a pod's app containers. */
static void test_dev_shm_of_a_pod(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	assert_int_equal(plan_inline(SHM_SPEC(""), &p, &err), 0);
	assert_false(shares_dev_shm(&p));
	plan_free(&p);
	assert_int_equal(plan_inline(SHM_SPEC(MEMBER_ANNOTATIONS), &p, &err), 0);
	assert_true(shares_dev_shm(&p));
	plan_free(&p);
	/* a hostIPC pod's: dom0's own /dev/shm is never shared */
	assert_int_equal(plan_inline(SHM_SPEC_FROM("/dev/shm", MEMBER_ANNOTATIONS), &p, &err), 0);
	assert_false(shares_dev_shm(&p));
	plan_free(&p);
}

/* A container may take a pool guest only when the guest was booted as the
 * container's own would be: same memory, vcpus, maxima, kernel, command line. */
static void expect_pool_match(const char *json, bool match)
{
	struct vxn_plan p, pool;
	struct vxn_err err = { 0 };

	assert_int_equal(plan_inline(json, &p, &err), 0);
	assert_int_equal(plan_for_pool(&test_config, &pool, &err), 0);
	assert_non_null(p.pool_prefix);
	assert_non_null(pool.pool_prefix);
	assert_int_equal(strncmp(pool.pool_prefix, PLAN_POOL_PREFIX, strlen(PLAN_POOL_PREFIX)), 0);
	assert_int_equal(strcmp(p.pool_prefix, pool.pool_prefix) == 0, match);
	/* no container ID has a ':', so no container's domain looks like a pool guest */
	assert_null(strchr(p.name, ':'));
	assert_string_equal(pool.ramdisk, test_config.initramfs);
	assert_null(pool.name);
	plan_free(&p);
	plan_free(&pool);
}

#define POOL_SPEC(extra) "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"}" extra "}"

static void test_pool_prefix(void **state)
{
	(void)state;
	expect_pool_match(POOL_SPEC(""), true);
	/* what lives in the launch data does not matter */
	expect_pool_match(POOL_SPEC(",\"hostname\":\"h\""), true);
	expect_pool_match(POOL_SPEC(",\"linux\":{\"resources\":{\"memory\":{\"limit\":134217728}}}"),
			  false);
	expect_pool_match(POOL_SPEC(",\"linux\":{\"resources\":{\"cpu\":{\"quota\":200000}}}"),
			  false);
	expect_pool_match(POOL_SPEC(",\"annotations\":{\"org.xenproject.vxn.max-memory\":\"256\"}"),
			  false);
	expect_pool_match(POOL_SPEC(",\"annotations\":{\"org.xenproject.vxn.kernel\":\"/k\"}"),
			  false);
}

/* A source that only looks like it is inside the rootfs is a host path: a
 * share of it (which the host resolves), never a bind inside the guest. */
static void expect_share(const char *source)
{
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	char json[256];
	snprintf(json, sizeof json, "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
		 "\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"%s\"}]}",
		 source);
	assert_int_equal(plan_inline(json, &p, &err), 0);
	assert_int_equal(p.launch.nmounts, 1);
	assert_string_equal(p.launch.mounts[0].type, VXN_SHARE_TYPE);
	assert_int_equal(p.nshares, 1);
	assert_string_equal(p.shares[0].source, source);
	plan_free(&p);
}

static void test_mount_dotdot_is_host(void **state)
{
	(void)state;
	expect_share("/r/../etc");
	expect_share("/rr/etc");
}

/* docker run --init: Docker binds its docker-init over /sbin/docker-init and
 * runs it as the process; Podman does the same with /run/podman-init. */
static void test_run_init_copied_in(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"/sbin/docker-init\",\"--\",\"sleep\"]},"
				     "\"root\":{\"path\":\"/r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]},"
				     "\"mounts\":[{\"destination\":\"/sbin/docker-init\",\"type\":\"bind\","
				     "\"source\":\"/usr/bin/docker-init\",\"options\":[\"bind\",\"ro\"]},"
				     "{\"destination\":\"/run/podman-init\",\"type\":\"bind\","
				     "\"source\":\"/usr/libexec/podman/catatonit\",\"options\":[\"bind\",\"ro\"]}]}",
				     &p, &err), 0);
	assert_int_equal(p.ncopy_in, 2);
	assert_string_equal(p.copy_in[0].source, "/usr/bin/docker-init");
	assert_string_equal(p.copy_in[0].destination, "/sbin/docker-init");
	assert_string_equal(p.copy_in[1].destination, "/run/podman-init");
	assert_int_equal(p.launch.nmounts, 0);
	assert_true(p.launch.pid_namespace);
	plan_free(&p);
}

/* With the root shared, `run --init`'s init is a read-only share and the
 * process's executable is the host's (plan_provides), not the rootfs's. */
static void test_run_init_shared(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	test_config.rootfs_share = true;
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"/sbin/docker-init\",\"--\",\"sleep\"]},"
				     "\"root\":{\"path\":\"/r\"},"
				     "\"mounts\":[{\"destination\":\"/sbin/docker-init\",\"type\":\"bind\","
				     "\"source\":\"/usr/bin/docker-init\",\"options\":[\"bind\",\"ro\"]}]}",
				     &p, &err), 0);
	test_config.rootfs_share = false;
	assert_true(p.root_shared);
	assert_int_equal(p.ncopy_in, 0);
	assert_int_equal(p.nshares, 2);
	assert_true(p.shares[0].readonly);
	assert_true(p.shares[0].rides);  /* on the root's device, as entry f0 */
	assert_string_equal(p.shares[0].tag, VXN_ROOT_SHARE_TAG);
	assert_string_equal(p.shares[0].entry, "f0");
	assert_string_equal(p.launch.mounts[0].source, VXN_ROOT_SHARE_TAG "/f0");
	assert_string_equal(p.shares[1].tag, VXN_ROOT_SHARE_TAG);
	assert_string_equal(p.shares[1].entry, VXN_SHARE_ENTRY);
	assert_string_equal(p.shares[1].source, "/r");
	assert_false(p.shares[1].readonly);
	assert_false(p.shares[1].rides);
	assert_int_equal(plan_share_devices(&p), 1);
	assert_string_equal(p.launch.root_fstype, VXN_ROOT_SHARED);
	assert_int_equal(p.launch.nshares, 0);  /* the guest mounts the root's itself */
	assert_true(plan_provides(&p, "/sbin/docker-init"));
	assert_false(plan_provides(&p, "/bin/sleep"));
	assert_false(plan_provides(&p, NULL));
	plan_free(&p);
}

/* A read-only root has nothing to keep: a disk, and the warm pool's. */
static void test_readonly_root_takes_disk(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	test_config.rootfs_share = true;
	assert_int_equal(plan_inline("{\"process\":{\"args\":[\"sh\"]},"
				     "\"root\":{\"path\":\"/r\",\"readonly\":true}}", &p, &err), 0);
	test_config.rootfs_share = false;
	assert_false(p.root_shared);
	assert_int_equal(p.nshares, 0);
	assert_string_equal(p.launch.root_fstype, "ext4");
	plan_free(&p);
}

/* The annotation picks the root's kind for one container; a bad value is
 * refused naming it. */
static void test_rootfs_annotation(void **state)
{
	(void)state;
	struct vxn_plan p;
	struct vxn_err err = { 0 };
	test_config.rootfs_share = true;
	assert_int_equal(plan_inline(POOL_SPEC(",\"annotations\":{\"" ANN_ROOTFS "\":\"disk\"}"),
				     &p, &err), 0);
	assert_false(p.root_shared);
	plan_free(&p);
	test_config.rootfs_share = false;
	assert_int_equal(plan_inline(POOL_SPEC(",\"annotations\":{\"" ANN_ROOTFS "\":\"share\"}"),
				     &p, &err), 0);
	assert_true(p.root_shared);
	plan_free(&p);
	assert_int_equal(plan_inline(POOL_SPEC(",\"annotations\":{\"" ANN_ROOTFS "\":\"9p\"}"),
				     &p, &err), -1);
	assert_string_equal(err.msg, "annotations." ANN_ROOTFS ": must be share or disk");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_docker),  cmocka_unit_test(test_golden_podman),
		cmocka_unit_test(test_run_init_copied_in),
		cmocka_unit_test(test_golden_ctr),     cmocka_unit_test(test_golden_resources),
		cmocka_unit_test(test_golden_annotations), cmocka_unit_test(test_golden_volumes),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_memory_rounding), cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_mount_dotdot_is_host), cmocka_unit_test(test_maxima),
		cmocka_unit_test(test_pool_prefix),
		cmocka_unit_test(test_golden_root_share), cmocka_unit_test(test_pod_sizing), cmocka_unit_test(test_dev_shm_of_a_pod), cmocka_unit_test(test_run_init_shared),
		cmocka_unit_test(test_readonly_root_takes_disk), cmocka_unit_test(test_shared_image), cmocka_unit_test(test_member_limits), cmocka_unit_test(test_rootfs_annotation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
