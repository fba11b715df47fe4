/* config.json's hooks, into struct vxn_spec.
 *
 * Hooks run on the host at runc's points (hooks.c); each needs an absolute
 * path, takes optional args, env and a positive timeout in seconds. */
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"

#define PATH_BUF 96
#define HOOKS_MAX 64u

const char *const spec_hook_kinds[VXN_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* Docker's network hook: args[0] is libnetwork-setkey (engine_net.c). */
static bool is_docker_setkey(const struct vxn_hook *h)
{
	return h->nargs > 0 && strcmp(h->args[0], "libnetwork-setkey") == 0;
}

static int parse_hook(yajl_val v, const char *p, struct vxn_hook *h, struct vxn_err *err)
{
	char f[PATH_BUF + 40];
	uint64_t timeout = 0;

	if (jv_object(v, p, err) < 0)
		return -1;
	if (!v)
		return err_set(err, 0, "%s: must be an object", p);
	snprintf(f, sizeof f, "%.120s.path", p);
	if (jv_string_req(jv_get(v, "path"), f, &h->path, err) < 0)
		return -1;
	if (h->path[0] != '/')
		return err_set(err, 0, "%s: must be an absolute path", f);
	snprintf(f, sizeof f, "%.120s.args", p);
	if (jv_strings(jv_get(v, "args"), f, &h->args, &h->nargs, err) < 0)
		return -1;
	snprintf(f, sizeof f, "%.120s.env", p);
	if (jv_strings(jv_get(v, "env"), f, &h->env, &h->nenv, err) < 0)
		return -1;
	snprintf(f, sizeof f, "%.120s.timeout", p);
	if (jv_u64(jv_get(v, "timeout"), f, 86400, &timeout, err) < 0)
		return -1;
	if (jv_get(v, "timeout") && timeout == 0)
		return err_set(err, 0, "%s: must be positive", f);
	h->timeout_s = (unsigned)timeout;
	return 0;
}

int spec_parse_hooks(yajl_val doc, struct vxn_spec *s, struct vxn_err *err)
{
	yajl_val hooks = jv_get(doc, "hooks");

	if (jv_object(hooks, "hooks", err) < 0)
		return -1;
	for (size_t k = 0; hooks && k < VXN_HOOK_KINDS; k++) {
		yajl_val list = jv_get(hooks, spec_hook_kinds[k]);
		char p[PATH_BUF];
		snprintf(p, sizeof p, "hooks.%s", spec_hook_kinds[k]);
		if (jv_array(list, p, err) < 0)
			return -1;
		if (!list || list->u.array.len == 0)
			continue;
		if (list->u.array.len > HOOKS_MAX)
			return err_set(err, 0, "%s: more than %u hooks", p, HOOKS_MAX);
		s->hooks[k].v = calloc(list->u.array.len, sizeof *s->hooks[k].v);
		if (!s->hooks[k].v)
			return err_set(err, ENOMEM, "%s", p);
		for (size_t i = 0; i < list->u.array.len; i++) {
			char hp[PATH_BUF + 24];
			snprintf(hp, sizeof hp, "%.64s[%zu]", p, i);
			s->hooks[k].n = i + 1;  /* counted first: spec_free frees a half-parsed one */
			if (parse_hook(list->u.array.values[i], hp, &s->hooks[k].v[i], err) < 0)
				return -1;
			if (k == VXN_HOOK_PRESTART && is_docker_setkey(&s->hooks[k].v[i]))
				s->docker_setkey_hook = true;
		}
	}
	return 0;
}

void spec_hooks_free(struct vxn_spec *s)
{
	for (size_t k = 0; k < VXN_HOOK_KINDS; k++) {
		for (size_t i = 0; s->hooks[k].v && i < s->hooks[k].n; i++) {
			struct vxn_hook *h = &s->hooks[k].v[i];
			free(h->path);
			jv_strv_free(h->args, h->nargs);
			jv_strv_free(h->env, h->nenv);
		}
		free(s->hooks[k].v);
	}
}
