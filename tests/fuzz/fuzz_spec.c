/* config.json (core/spec.c) as an engine or a user hands it to create, and
 * what create makes of an accepted one: the plan (core/plan*.c) and the
 * launch data guest-init will decode. Whatever spec_parse accepts must
 * become either a clear error or launch data that encodes and decodes. */
#include "fuzz.h"
#include "fuzz_spec_input.h"
#include "plan.h"
#include "spec.h"

static void plan_it(const struct vxn_spec *s)
{
	struct vxn_config c = {
		.memory_mib = 128, .vcpus = 1, .kernel = "/usr/share/vxn/vmlinux",
		.initramfs = "/usr/share/vxn/initramfs.cpio", .kernel_args = "console=hvc0",
		.disk_format = "ext4", .state_root = "/run/vxn",
	};
	struct vxn_plan p;
	struct vxn_launch back;
	struct vxn_err err;
	uint8_t *enc = NULL;
	size_t len = 0;

	if (plan_from_spec(s, &c, "fuzz", "/bundle", "/run/vxn/fuzz", &p, &err) < 0) {
		must(err.msg[0] != '\0');
		return;
	}
	char *json = plan_to_json(&p);
	must(json != NULL);
	free(json);
	if (vxn_launch_encode(&p.launch, &enc, &len) == 0) {
		must(vxn_launch_decode(enc, len, &back) == 0);
		must(back.nargs == p.launch.nargs && back.nmounts == p.launch.nmounts);
		vxn_launch_free(&back);
		free(enc);
	}
	plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_spec_input(data, size, spec_parse, plan_it);
}
