/* pull, images, rmi, load, save: the image store (store.h) through skopeo. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_names.h"
#include "ctr.h"
#include "images.h"
#include "store.h"

int image_canonical(const char *user, struct image_ref *r, char *canon, size_t len,
		    struct vxn_err *err)
{
	if (ref_parse(user, r, err))
		return -1;
	if (ref_canonical(r, canon, len))
		return err_set(err, 0, "invalid reference format: too long");
	return 0;
}

static int pull_src(struct vdkr_ctx *c, const struct pull_src *p, bool quiet,
		    struct vxn_err *err)
{
	struct store s;

	if (store_open(&s, c->root, LOCK_EX, err))
		return -1;
	int r = store_pull(&s, p, !quiet && isatty(2), err);
	store_close(&s);
	return r;
}

int image_pull_ref(struct vdkr_ctx *c, const struct image_ref *r, const char *canon,
		   bool quiet, struct vxn_err *err)
{
	char source[REF_MAX + 16];
	struct pull_src p = { .source = source, .name = canon, .registry = r->registry,
			      .plain_http = ref_registry_is_local(r) };

	snprintf(source, sizeof(source), "docker://%s", canon);
	return pull_src(c, &p, quiet, err);
}

/* "docker-archive:PATH[:NAME]" or "oci-archive:PATH[:NAME]": NAME is the
 * image in the archive (skopeo's meaning) and the name it gets here; without
 * it, the archive's own name(s). */
static int pull_archive(struct vdkr_ctx *c, const char *arg, bool oci, bool quiet,
			struct vxn_err *err)
{
	const char *path = strchr(arg, ':') + 1, *colon = strchr(path, ':');
	char file[PATH_MAX], source[PATH_MAX + REF_MAX + 32], canon[REF_MAX];
	struct archive_names names = { 0 };
	struct image_ref ref;
	int r = 0;

	if (snprintf(file, sizeof(file), "%.*s", colon ? (int)(colon - path) : (int)strlen(path),
		     path) >= (int)sizeof(file) || !file[0])
		return err_set(err, 0, "%.64s: no archive path", arg);
	if (colon)
		names.v[names.n++] = strdup(colon + 1);
	else if (archive_names_read(file, oci, &names, err))
		return -1;
	if (names.n == 0)
		r = err_set(err, 0, "%s: the archive names no image: give one as %s:PATH:NAME", file,
			    oci ? "oci-archive" : "docker-archive");
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		if (!names.v[i] || image_canonical(names.v[i], &ref, canon, sizeof(canon), err)) {
			r = -1;
			break;
		}
		snprintf(source, sizeof(source), "%s:%s:%s", oci ? "oci-archive" : "docker-archive",
			 file, names.v[i]);
		struct pull_src p = { .source = source, .name = canon };
		if ((r = pull_src(c, &p, quiet, err)) == 0)
			printf("Loaded image: %s\n", names.v[i]);
	}
	archive_names_free(&names);
	return r;
}

int cmd_pull(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	struct image_ref ref;
	char canon[REF_MAX];
	bool quiet;

	if (vdkr_quiet_flag(argc, argv, &quiet, err))
		return -1;
	if (argc - optind != 1)
		return err_set(err, 0, "\"pull\" requires exactly 1 argument");
	const char *arg = argv[optind];
	if (!strncmp(arg, "oci-archive:", 12) || !strncmp(arg, "docker-archive:", 15))
		return pull_archive(c, arg, arg[0] == 'o', quiet, err);
	if (image_canonical(arg, &ref, canon, sizeof(canon), err) ||
	    image_pull_ref(c, &ref, canon, quiet, err))
		return -1;
	if (!quiet)
		printf("%s\n", canon);
	return 0;
}

int cmd_load(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' }, { "quiet", no_argument, NULL, 'q' }, { 0 },
	};
	const char *input = NULL;
	char arg[PATH_MAX + 16];
	bool quiet = false;
	int o;

	while ((o = getopt_long(argc, argv, "+i:q", opts, NULL)) != -1) {
		if (o == 'i')
			input = optarg;
		else if (o == 'q')
			quiet = true;
		else
			return vdkr_bad_flag(argc, argv, err);
	}
	if (!input || optind != argc)
		return err_set(err, 0, "load takes -i FILE (a docker-archive)");
	if (strchr(input, ':'))
		return err_set(err, 0, "%s: an archive path must not contain ':'", input);
	snprintf(arg, sizeof(arg), "docker-archive:%s", input);
	return pull_archive(c, arg, false, quiet, err);
}

static void human_size(uint64_t b, char *out, size_t len)
{
	if (b >= 1000000000)
		snprintf(out, len, "%.2fGB", (double)b / 1e9);
	else if (b >= 1000000)
		snprintf(out, len, "%.1fMB", (double)b / 1e6);
	else
		snprintf(out, len, "%.1fkB", (double)b / 1e3);
}

/* docker drops docker.io/library/ from what it shows; podman shows the
 * full name. */
static void print_image(struct store *s, const struct imgindex_entry *e, bool quiet,
			bool podman)
{
	struct image_info info;
	struct image_ref ref;
	struct vxn_err err;
	char repo[REF_MAX], size[32];

	if (store_image_info(s, e, &info, &err)) {
		fprintf(stderr, "warning: %s\n", err.msg);
		return;
	}
	if (quiet) {
		printf("%.12s\n", info.config_digest + 7);
	} else {
		if (ref_parse(e->name, &ref, &err) || ref_display_repo(&ref, repo, sizeof(repo)))
			snprintf(repo, sizeof(repo), "%s", e->name);
		else if (podman)
			snprintf(repo, sizeof(repo), "%s/%s", ref.registry, ref.repo);
		human_size(info.size, size, sizeof(size));
		printf("%-40s %-12s %-14.12s %-22.19s %s\n", repo, ref.tag[0] ? ref.tag : "<none>",
		       info.config_digest + 7, info.config.created ? info.config.created : "",
		       size);
	}
	image_info_free(&info);
}

int cmd_images(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	struct store s;
	struct imgindex ix;
	bool quiet;

	if (vdkr_quiet_flag(argc, argv, &quiet, err))
		return -1;
	if (store_open(&s, c->root, LOCK_SH, err))
		return -1;
	if (store_index(&s, &ix, err)) {
		store_close(&s);
		return -1;
	}
	if (!quiet)
		printf("%-40s %-12s %-14s %-22s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED",
		       "SIZE");
	for (size_t i = 0; i < ix.n; i++)
		print_image(&s, &ix.e[i], quiet, c->podman);
	imgindex_free(&ix);
	store_close(&s);
	return 0;
}

/* docker refuses to remove the last name of an image a container was made
 * from (its rootfs came from those layers); another tag of the same
 * manifest may go. */
static int image_in_use(struct vdkr_ctx *c, struct store *s, const struct imgindex_entry *e,
			struct vxn_err *err)
{
	struct imgindex ix;
	struct ctr *all;
	size_t n, others = 0;

	if (store_index(s, &ix, err))
		return -1;
	for (size_t i = 0; i < ix.n; i++)
		others += strcmp(ix.e[i].name, e->name) && !strcmp(ix.e[i].digest, e->digest);
	imgindex_free(&ix);
	if (others || ctr_list(c, &all, &n, err))
		return others ? 0 : -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		if (!strcmp(all[i].image_digest, e->digest))
			r = err_set(err, 0, "conflict: unable to remove repository reference \"%s\" "
				    "(must force) - container %.12s is using its referenced image",
				    e->name, all[i].id);
	free(all);
	return r;
}

static int rmi_one(struct vdkr_ctx *c, const char *arg, struct vxn_err *err)
{
	struct image_ref ref;
	struct imgindex_entry e;
	char canon[REF_MAX];
	struct store s;
	int r;

	if (image_canonical(arg, &ref, canon, sizeof(canon), err) ||
	    store_open(&s, c->root, LOCK_EX, err))
		return -1;
	r = store_lookup(&s, canon, &e, err);
	if (r == 0)
		r = err_set(err, 0, "No such image: %s", arg);
	else if (r == 1 && (r = image_in_use(c, &s, &e, err)) == 0 &&
		 (r = store_remove(&s, canon, err)) == 0)
		printf("Untagged: %s\n", arg);
	store_close(&s);
	return r;
}

int cmd_rmi(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { 0 } };
	int r = 0;

	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return vdkr_bad_flag(argc, argv, err);
	if (optind >= argc)
		return err_set(err, 0, "\"rmi\" requires at least 1 argument");
	for (int i = optind; i < argc; i++) {
		struct vxn_err one = { 0 };
		if (rmi_one(c, argv[i], &one)) {
			*err = one;
			fprintf(stderr, "Error: %s\n", one.msg);
			r = -1;
		}
	}
	return r ? 1 : 0;
}

int cmd_save(struct vdkr_ctx *c, int argc, char **argv, struct vxn_err *err)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' }, { 0 } };
	const char *out = NULL;
	struct image_ref ref;
	struct imgindex_entry e;
	char canon[REF_MAX];
	struct store s;
	int o, r;

	while ((o = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		if (o != 'o')
			return vdkr_bad_flag(argc, argv, err);
		out = optarg;
	}
	if (!out || argc - optind != 1)
		return err_set(err, 0, "save takes -o FILE and one image");
	if (image_canonical(argv[optind], &ref, canon, sizeof(canon), err) ||
	    store_open(&s, c->root, LOCK_SH, err))
		return -1;
	r = store_lookup(&s, canon, &e, err);
	if (r == 0)
		r = err_set(err, 0, "No such image: %s", argv[optind]);
	else if (r == 1)
		r = store_save(&s, canon, out, argv[optind], err);
	store_close(&s);
	return r;
}
