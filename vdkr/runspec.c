#include "runspec.h"

#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jsonv.h"
#include "util.h"

int image_config_parse(const char *json, size_t len, struct image_config *c,
		       struct vxn_err *err)
{
	memset(c, 0, sizeof(*c));
	yajl_val root = jv_parse(json, len, IMAGE_CONFIG_MAX, "image config", err);
	if (!root)
		return -1;
	yajl_val cfg = jv_get(root, "config");
	int r = jv_object(root, "image config", err) || jv_object(cfg, "config", err) ||
		jv_strings(jv_get(cfg, "Entrypoint"), "config.Entrypoint", &c->entrypoint,
			   &c->nentrypoint, err) ||
		jv_strings(jv_get(cfg, "Cmd"), "config.Cmd", &c->cmd, &c->ncmd, err) ||
		jv_string(jv_get(cfg, "StopSignal"), "config.StopSignal", &c->stop_signal, err) ||
		jv_string(jv_get(root, "created"), "created", &c->created, err);
	yajl_tree_free(root);
	if (r) {
		image_config_free(c);
		return -1;
	}
	return 0;
}

void image_config_free(struct image_config *c)
{
	jv_strv_free(c->entrypoint, c->nentrypoint);
	jv_strv_free(c->cmd, c->ncmd);
	free(c->stop_signal);
	free(c->created);
	memset(c, 0, sizeof(*c));
}

static int strv_append(char ***v, size_t *n, char *const *add, size_t nadd)
{
	char **nv = realloc(*v, (*n + nadd + 1) * sizeof(char *));

	if (!nv)
		return -1;
	*v = nv;
	for (size_t i = 0; i < nadd; i++) {
		if (!(nv[*n] = strdup(add[i])))
			return -1;
		nv[++*n] = NULL;
	}
	nv[*n] = NULL;
	return 0;
}

int run_args(const struct image_config *c, const struct run_opts *o, char ***args,
	     size_t *n, struct vxn_err *err)
{
	char *ep[1] = { (char *)o->entrypoint };
	char **v = NULL;
	size_t nv = 0;
	int r;

	if (o->has_entrypoint)
		r = strv_append(&v, &nv, ep, o->entrypoint[0] ? 1 : 0);
	else
		r = strv_append(&v, &nv, c->entrypoint, c->nentrypoint);
	if (r == 0 && o->nargs)
		r = strv_append(&v, &nv, o->args, o->nargs);
	else if (r == 0 && !o->has_entrypoint)
		r = strv_append(&v, &nv, c->cmd, c->ncmd);
	if (r) {
		jv_strv_free(v, nv);
		return err_set(err, ENOMEM, "arguments");
	}
	if (nv == 0) {
		free(v);
		return err_set(err, 0, "no command specified");
	}
	*args = v;
	*n = nv;
	return 0;
}

static bool env_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]))
			return false;
	return true;
}

int env_set(struct env_list *e, const char *kv, const char *(*lookup)(const char *),
	    struct vxn_err *err)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	cleanup_free char *item = NULL;

	if (!env_name_ok(kv, klen))
		return err_set(err, 0, "invalid environment variable: '%.64s'", kv);
	if (eq) {
		item = strdup(kv);
	} else {
		const char *val = lookup ? lookup(kv) : NULL;
		if (!val)
			return 0;
		if (asprintf(&item, "%s=%s", kv, val) < 0)
			item = NULL;
	}
	if (!item)
		return err_set(err, ENOMEM, "environment");
	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], item, klen + 1)) {
			free(e->v[i]);
			e->v[i] = steal_pointer(&item);
			return 0;
		}
	char **nv = realloc(e->v, (e->n + 2) * sizeof(char *));
	if (!nv)
		return err_set(err, ENOMEM, "environment");
	e->v = nv;
	e->v[e->n++] = steal_pointer(&item);
	e->v[e->n] = NULL;
	return 0;
}

int env_file_apply(struct env_list *e, const char *text, size_t len, const char *what,
		   const char *(*lookup)(const char *), struct vxn_err *err)
{
	size_t lineno = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		char line[4096];
		size_t s = i;

		lineno++;
		while (s < end && (text[s] == ' ' || text[s] == '\t'))
			s++;
		size_t n = end - s;
		if (n && text[s + n - 1] == '\r')
			n--;
		i = end + 1;
		if (n == 0 || text[s] == '#')
			continue;
		if (n >= sizeof(line) || memchr(text + s, '\0', n))
			return err_set(err, 0, "%s:%zu: line too long or not text", what, lineno);
		memcpy(line, text + s, n);
		line[n] = '\0';
		if (env_set(e, line, lookup, err))
			return err_wrap(err, "%s:%zu", what, lineno);
	}
	return 0;
}

void env_list_free(struct env_list *e)
{
	jv_strv_free(e->v, e->n);
	e->v = NULL;
	e->n = 0;
}

static const char *next_line(const char *l)
{
	const char *nl = strchr(l, '\n');

	return nl ? nl + 1 : NULL;
}

/* Field f (0-based) of the first line of text whose field key_field equals
 * key; copied into out. 0 found, -1 not. */
static int colon_lookup(const char *text, const char *key, int key_field, int f, char *out,
			size_t len)
{
	for (const char *l = text; l && *l; l = next_line(l)) {
		const char *fields[8];
		size_t lens[8];
		int nf = 0;
		const char *p = l;

		while (nf < 8) {
			size_t n = strcspn(p, ":\n");
			fields[nf] = p;
			lens[nf++] = n;
			if (p[n] != ':')
				break;
			p += n + 1;
		}
		if (nf <= key_field || nf <= f || strlen(key) != lens[key_field] ||
		    strncmp(fields[key_field], key, lens[key_field]) || lens[f] >= len)
			continue;
		memcpy(out, fields[f], lens[f]);
		out[lens[f]] = '\0';
		return 0;
	}
	return -1;
}

static int number_of(const char *s, uint32_t *v)
{
	uint64_t n;

	if (parse_decimal(s, &n) || n > UINT32_MAX - 1)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

int user_resolve(const char *spec, const char *passwd, const char *group, uint32_t *uid,
		 uint32_t *gid, struct vxn_err *err)
{
	char user[256], field[64];
	const char *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);

	if (ulen == 0 || ulen >= sizeof(user))
		return err_set(err, 0, "invalid user: '%.64s'", spec);
	memcpy(user, spec, ulen);
	user[ulen] = '\0';
	*gid = 0;
	if (number_of(user, uid) == 0) {
		snprintf(field, sizeof(field), "%u", *uid);
		if (passwd && colon_lookup(passwd, field, 2, 3, field, sizeof(field)) == 0)
			number_of(field, gid);
	} else if (!passwd || colon_lookup(passwd, user, 0, 2, field, sizeof(field)) ||
		   number_of(field, uid)) {
		return err_set(err, 0, "unable to find user %s: no matching entries in passwd file",
			       user);
	} else if (colon_lookup(passwd, user, 0, 3, field, sizeof(field)) || number_of(field, gid)) {
		return err_set(err, 0, "user %s: bad passwd entry", user);
	}
	if (!colon)
		return 0;
	const char *g = colon + 1;
	if (number_of(g, gid) == 0)
		return 0;
	if (!group || colon_lookup(group, g, 0, 2, field, sizeof(field)) || number_of(field, gid))
		return err_set(err, 0, "unable to find group %.64s: no matching entries in group file",
			       g);
	return 0;
}
