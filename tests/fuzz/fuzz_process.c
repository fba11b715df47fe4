/* process.json for `vxn exec --process` (core/spec.c), then what exec makes
 * of it (host/container_exec.c): the process part of the launch data
 * (core/plan.c) encoded for an EXEC_START frame, which guest-init decodes. */
#include "fuzz.h"
#include "fuzz_spec_input.h"
#include "plan.h"
#include "spec.h"

static void launch_it(const struct vxn_spec *s)
{
	struct vxn_launch l = { 0 }, back;
	struct vxn_err err;
	uint8_t *enc = NULL;
	size_t len = 0;

	if (plan_launch_process(s, &l, &err) == 0 && vxn_launch_encode(&l, &enc, &len) == 0) {
		/* an EXEC_START frame carries it whole or exec refuses it */
		must(vxn_launch_decode(enc, len, &back) == 0);
		must(back.nargs == l.nargs && back.nenv == l.nenv && back.uid == l.uid);
		for (uint32_t i = 0; i < l.nargs; i++)
			must(strcmp(back.args[i], l.args[i]) == 0);
		vxn_launch_free(&back);
		free(enc);
	}
	vxn_launch_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_spec_input(data, size, spec_parse_process, launch_it);
}
