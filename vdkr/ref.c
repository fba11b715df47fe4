/* Docker's reference grammar (distribution/reference), the parts a user
 * types: components of lowercase alphanumerics joined by '.', '_', "__" or
 * runs of '-'; tags of [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; sha256 digests. */
#include "ref.h"

#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static size_t alnum_run(const char *s, size_t i, size_t n)
{
	size_t j = i;

	while (j < n && is_lower_alnum(s[j]))
		j++;
	return j - i;
}

/* One path component: alnum+ (separator alnum+)*, a separator being '.',
 * '_', "__" or a run of '-'. */
static bool component_ok(const char *s, size_t n)
{
	size_t i = alnum_run(s, 0, n), k;

	if (i == 0)
		return false;
	while (i < n) {
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if ((k = alnum_run(s, i, n)) == 0)
			return false;
		i += k;
	}
	return true;
}

static bool repo_ok(const char *s)
{
	const char *p = s;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!component_ok(p, n))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

static bool tag_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

static bool digest_ok(const char *s)
{
	if (strncmp(s, "sha256:", 7) || strlen(s) != 7 + 64)
		return false;
	for (const char *p = s + 7; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	return true;
}

/* host[:port]: letters, digits, '.', '-'; an optional decimal port. */
static bool registry_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 0 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	if (!colon)
		return true;
	size_t digits = strspn(colon + 1, "0123456789");
	return digits > 0 && digits <= 5 && colon[1 + digits] == '\0';
}

static bool looks_like_registry(const char *first, size_t n)
{
	if (memchr(first, '.', n) || memchr(first, ':', n) ||
	    (n == 9 && memcmp(first, "localhost", 9) == 0))
		return true;
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)first[i]))
			return true;  /* docker: a component with capitals is a host */
	return false;
}

static int bad(struct vxn_err *err, const char *s, const char *why)
{
	return err_set(err, 0, "invalid reference format: \"%.128s\": %s", s, why);
}

/* Splits off "@digest" and ":tag" (a ':' after the last '/'). */
static int split_tail(char *name, struct image_ref *r, const char *s, struct vxn_err *err)
{
	char *at = strchr(name, '@');

	if (at) {
		*at = '\0';
		if (!digest_ok(at + 1))
			return bad(err, s, "the digest must be sha256: and 64 lowercase hex digits");
		snprintf(r->digest, sizeof(r->digest), "%s", at + 1);
	}
	char *slash = strrchr(name, '/');
	char *colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_ok(colon + 1))
			return bad(err, s, "bad tag");
		snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	}
	if (!r->tag[0] && !r->digest[0])
		snprintf(r->tag, sizeof(r->tag), "latest");
	return 0;
}

static int split_registry(const char *name, struct image_ref *r, const char *s,
			  struct vxn_err *err)
{
	const char *slash = strchr(name, '/');
	const char *repo = name;

	if (slash && looks_like_registry(name, (size_t)(slash - name))) {
		size_t n = (size_t)(slash - name);
		if (n >= sizeof(r->registry))
			return bad(err, s, "registry name too long");
		memcpy(r->registry, name, n);
		r->registry[n] = '\0';
		if (!registry_ok(r->registry))
			return bad(err, s, "bad registry host");
		repo = slash + 1;
	} else {
		snprintf(r->registry, sizeof(r->registry), "%s", REF_DEFAULT_REGISTRY);
	}
	bool library = !strcmp(r->registry, REF_DEFAULT_REGISTRY) && !strchr(repo, '/');
	int n = snprintf(r->repo, sizeof(r->repo), "%s%s", library ? "library/" : "", repo);
	if (n < 0 || (size_t)n >= sizeof(r->repo))
		return bad(err, s, "repository name too long");
	if (!repo_ok(r->repo))
		return bad(err, s, "repository names must be lowercase");
	return 0;
}

int ref_parse(const char *s, struct image_ref *r, struct vxn_err *err)
{
	char name[REF_MAX];

	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return err_set(err, 0, "invalid reference format: empty image name");
	if (strlen(s) >= sizeof(name))
		return bad(err, s, "too long");
	snprintf(name, sizeof(name), "%s", s);
	if (split_tail(name, r, s, err))
		return -1;
	return split_registry(name, r, s, err);
}

int ref_canonical(const struct image_ref *r, char *out, size_t len)
{
	int n = r->digest[0] ? snprintf(out, len, "%s/%s@%s", r->registry, r->repo, r->digest)
			     : snprintf(out, len, "%s/%s:%s", r->registry, r->repo, r->tag);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int ref_display_repo(const struct image_ref *r, char *out, size_t len)
{
	int n;

	if (strcmp(r->registry, REF_DEFAULT_REGISTRY))
		n = snprintf(out, len, "%s/%s", r->registry, r->repo);
	else if (!strncmp(r->repo, "library/", 8))
		n = snprintf(out, len, "%s", r->repo + 8);
	else
		n = snprintf(out, len, "%s", r->repo);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

bool ref_registry_is_local(const struct image_ref *r)
{
	const char *h = r->registry;

	return !strncmp(h, "127.", 4) || !strcmp(h, "localhost") ||
	       !strncmp(h, "localhost:", 10) || !strncmp(h, "[::1]", 5);
}
