/* See fuzz_spec_input.h. */
#include "fuzz_spec_input.h"

#include "fuzz.h"

int fuzz_spec_input(const uint8_t *data, size_t size, fuzz_spec_parse_fn parse,
		    void (*then)(const struct vxn_spec *s))
{
	char *json = fuzz_copy(data, size);
	struct vxn_spec s;
	struct vxn_err err;

	if (!json)
		return 0;
	if (parse(json, size, &s, &err) == 0) {
		must(s.nargs >= 1 && s.args[0]);
		then(&s);
		spec_free(&s);
	} else {
		must(err.msg[0] != '\0');
	}
	free(json);
	return 0;
}
