/* Reading fixture and golden files for the runtime's unit tests (run with the
 * working directory tests/unit, see meson.build). */
#ifndef VXN_RT_FIXTURE_H
#define VXN_RT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file, NUL-terminated, or NULL. */
static inline char *fixture_read(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	if (len)
		*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static inline int fixture_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int r = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) == 0 ? r : -1;
}

/* Under -Db_sanitize=undefined a UBSan report must fail the test, not only
 * print (the runtime reads this hook at start-up; unused otherwise). Each
 * test binary includes this header from exactly one file. */
const char *__ubsan_default_options(void);
__attribute__((used)) const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

#endif
