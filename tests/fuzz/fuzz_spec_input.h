/* The driver of the harnesses whose input is a spec document (config.json,
 * process.json): parse a NUL-terminated copy of the input with `parse`; an
 * accepted document must carry a command and goes on to `then`, a refused
 * one must say why. */
#ifndef VXN_FUZZ_SPEC_INPUT_H
#define VXN_FUZZ_SPEC_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "spec.h"

typedef int (*fuzz_spec_parse_fn)(const char *json, size_t len, struct vxn_spec *s,
				  struct vxn_err *err);

int fuzz_spec_input(const uint8_t *data, size_t size, fuzz_spec_parse_fn parse,
		    void (*then)(const struct vxn_spec *s));

#endif
