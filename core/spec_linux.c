/* config.json's linux.devices, linux.sysctl, linux.maskedPaths and
 * linux.readonlyPaths, into struct vxn_spec.
 *
 * All are the guest kernel's business: guest-init makes the device nodes in
 * the container's /dev and writes the sysctls under /proc/sys, and the
 * container's process hides and write-protects the paths in its own /proc
 * and /sys, as runc does in the container's namespaces. A guest's kernel is
 * the container's own, so no sysctl is refused for reaching outside a
 * namespace. */
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"

#define PATH_BUF 96
#define DEVICE_ID_MAX 0xfffffu  /* the kernel's 20 bits of minor (12 of major) */

static int device_type(const char *t, uint8_t *out)
{
	if (strcmp(t, "c") == 0 || strcmp(t, "u") == 0)
		*out = 'c';  /* "u": unbuffered character device, a 'c' to mknod */
	else if (strcmp(t, "b") == 0)
		*out = 'b';
	else if (strcmp(t, "p") == 0)
		*out = 'p';
	else
		return -1;
	return 0;
}

static int parse_u32(yajl_val v, const char *p, const char *field, uint64_t max, uint32_t *out,
		     struct vxn_err *err)
{
	char f[PATH_BUF + 16];
	uint64_t x = *out;

	snprintf(f, sizeof f, "%s.%s", p, field);
	if (jv_u64(jv_get(v, field), f, max, &x, err) < 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int parse_device(yajl_val v, size_t i, struct vxn_device *d, struct vxn_err *err)
{
	char p[PATH_BUF], f[PATH_BUF + 16];
	char *type = NULL;

	snprintf(p, sizeof p, "linux.devices[%zu]", i);
	if (jv_object(v, p, err) < 0)
		return -1;
	if (!v)
		return err_set(err, 0, "%s: must be an object", p);
	snprintf(f, sizeof f, "%s.path", p);
	if (jv_string_req(jv_get(v, "path"), f, &d->path, err) < 0)
		return -1;
	if (d->path[0] != '/')
		return err_set(err, 0, "%s: must be an absolute path", f);
	snprintf(f, sizeof f, "%s.type", p);
	if (jv_string_req(jv_get(v, "type"), f, &type, err) < 0)
		return -1;
	int r = device_type(type, &d->type);
	free(type);
	if (r < 0)
		return err_set(err, 0, "%s: must be c, b, u or p", f);
	if (d->type != 'p' && (!jv_get(v, "major") || !jv_get(v, "minor")))
		return err_set(err, 0, "%s: a %c device needs major and minor", p, d->type);
	d->mode = 0666;  /* runc's when fileMode is absent */
	return parse_u32(v, p, "major", 0xfff, &d->major, err) < 0 ||
	       parse_u32(v, p, "minor", DEVICE_ID_MAX, &d->minor, err) < 0 ||
	       parse_u32(v, p, "fileMode", 07777, &d->mode, err) < 0 ||
	       parse_u32(v, p, "uid", UINT32_MAX, &d->uid, err) < 0 ||
	       parse_u32(v, p, "gid", UINT32_MAX, &d->gid, err) < 0 ? -1 : 0;
}

static int parse_devices(yajl_val linux_, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val devs = jv_get(linux_, "devices");
	if (!devs)
		return 0;
	if (jv_array(devs, "linux.devices", err) < 0)
		return -1;
	size_t n = devs->u.array.len;
	if (n > VXN_LAUNCH_MAX_LIST)
		return err_set(err, 0, "linux.devices: more than %u entries", VXN_LAUNCH_MAX_LIST);
	s->devices = calloc(n + 1, sizeof *s->devices);
	if (!s->devices)
		return err_set(err, ENOMEM, "linux.devices");
	for (size_t i = 0; i < n; i++) {
		s->ndevices = i + 1;
		if (parse_device(devs->u.array.values[i], i, &s->devices[i], err) < 0)
			return -1;
	}
	return 0;
}

/* Each "key": "value" as "key=value"; a key with '/' or '=' is refused (it
 * would name another file under /proc/sys). */
static int parse_sysctl(yajl_val linux_, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val sc = jv_get(linux_, "sysctl");
	if (!sc)
		return 0;
	if (jv_object(sc, "linux.sysctl", err) < 0)
		return -1;
	size_t n = sc->u.object.len;
	if (n > VXN_LAUNCH_MAX_LIST)
		return err_set(err, 0, "linux.sysctl: more than %u entries", VXN_LAUNCH_MAX_LIST);
	s->sysctl = calloc(n + 1, sizeof *s->sysctl);
	if (!s->sysctl)
		return err_set(err, ENOMEM, "linux.sysctl");
	for (size_t i = 0; i < n; i++) {
		const char *key = sc->u.object.keys[i];
		char p[PATH_BUF];
		char *value = NULL;
		snprintf(p, sizeof p, "linux.sysctl.%.64s", key);
		if (!key[0] || strpbrk(key, "/="))
			return err_set(err, 0, "%s: not a sysctl name", p);
		if (jv_string_req(sc->u.object.values[i], p, &value, err) < 0)
			return -1;
		int r = asprintf(&s->sysctl[i], "%s=%s", key, value);
		free(value);
		if (r < 0)
			return s->sysctl[i] = NULL, err_set(err, ENOMEM, "linux.sysctl");
		s->nsysctl = i + 1;
	}
	return 0;
}

static int parse_paths(yajl_val linux_, const char *key, char ***out, size_t *n,
		       struct vxn_err *err)
{
	char p[PATH_BUF];

	snprintf(p, sizeof p, "linux.%s", key);
	if (jv_strings(jv_get(linux_, key), p, out, n, err) < 0)
		return -1;
	if (*n > VXN_LAUNCH_MAX_LIST)
		return err_set(err, 0, "%s: more than %u entries", p, VXN_LAUNCH_MAX_LIST);
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i][0] != '/')
			return err_set(err, 0, "%s[%zu]: must be an absolute path", p, i);
	return 0;
}

int spec_parse_linux(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val linux_ = jv_get(doc, "linux");
	if (!linux_)
		return 0;
	return parse_devices(linux_, s, err) < 0 || parse_sysctl(linux_, s, err) < 0 ||
	       parse_paths(linux_, "maskedPaths", &s->masked_paths, &s->nmasked_paths, err) < 0 ||
	       parse_paths(linux_, "readonlyPaths", &s->readonly_paths, &s->nreadonly_paths,
			   err) < 0 ? -1 : 0;
}

void spec_linux_free(struct vxn_spec *s)
{
	for (size_t i = 0; s->devices && i < s->ndevices; i++)
		free(s->devices[i].path);
	free(s->devices);
	s->devices = NULL;
	s->ndevices = 0;
	jv_strv_free(s->sysctl, s->nsysctl);
	s->sysctl = NULL;
	s->nsysctl = 0;
	jv_strv_free(s->masked_paths, s->nmasked_paths);
	s->masked_paths = NULL;
	s->nmasked_paths = 0;
	jv_strv_free(s->readonly_paths, s->nreadonly_paths);
	s->readonly_paths = NULL;
	s->nreadonly_paths = 0;
}
