/* vdkr/imgindex.c, archive_names.c and toolmsg.c: the store's index, image
 * manifests, the names in archives, tool messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "archive_names.h"
#include "imgindex.h"
#include "toolmsg.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static const char index_json[] =
	"{\"schemaVersion\":2,\"manifests\":["
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D1 "\","
	"\"size\":405,\"annotations\":{\"org.opencontainers.image.ref.name\":\"localhost/a:1\"}},"
	"{\"mediaType\":\"m\",\"digest\":\"" D2 "\",\"size\":7},"
	"{\"mediaType\":\"m\",\"digest\":\"" D2 "\",\"size\":9,"
	"\"annotations\":{\"org.opencontainers.image.ref.name\":\"localhost/b:2\"}}]}";

static void test_index(void **state)
{
	(void)state;
	struct imgindex ix, again;
	struct vxn_err err = { 0 };

	assert_int_equal(imgindex_parse(index_json, strlen(index_json), &ix, &err), 0);
	assert_int_equal(ix.n, 2);  /* the unnamed one is dropped */
	const struct imgindex_entry *e = imgindex_find(&ix, "localhost/b:2");
	assert_non_null(e);
	assert_string_equal(e->digest, D2);
	assert_int_equal(e->size, 9);
	struct imgindex_entry n = *e;
	snprintf(n.name, sizeof(n.name), "localhost/a:1");  /* replaces, not adds */
	assert_int_equal(imgindex_put(&ix, &n, &err), 0);
	assert_int_equal(ix.n, 2);
	assert_string_equal(imgindex_find(&ix, "localhost/a:1")->digest, D2);
	assert_int_equal(imgindex_remove(&ix, "localhost/b:2"), 0);
	assert_int_equal(imgindex_remove(&ix, "localhost/b:2"), -1);
	char *text = imgindex_dump(&ix);
	assert_int_equal(imgindex_parse(text, strlen(text), &again, &err), 0);
	assert_int_equal(again.n, 1);
	assert_string_equal(again.e[0].name, "localhost/a:1");
	free(text);
	imgindex_free(&again);
	imgindex_free(&ix);
	const char *bad[] = {
		"[]", "{\"manifests\":{}}",
		"{\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"sha256:../../etc\",\"size\":1,"
		"\"annotations\":{\"org.opencontainers.image.ref.name\":\"x\"}}]}",
		"{\"manifests\":[{\"digest\":\"" D1 "\",\"annotations\":{"
		"\"org.opencontainers.image.ref.name\":\"x\"}}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(imgindex_parse(bad[i], strlen(bad[i]), &ix, &err), -1);
}

static void test_manifest(void **state)
{
	(void)state;
	const char m[] = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":10},"
			 "\"layers\":[{\"digest\":\"" D2 "\",\"size\":100},{\"digest\":\"" D1
			 "\",\"size\":5}]}";
	struct manifest mf;
	struct vxn_err err = { 0 };

	assert_int_equal(manifest_parse(m, strlen(m), &mf, &err), 0);
	assert_string_equal(mf.config, D1);
	assert_int_equal(mf.nlayers, 2);
	assert_string_equal(mf.layers[0], D2);
	assert_int_equal(mf.layers_size, 105);
	manifest_free(&mf);
	const char bad[] = "{\"config\":{\"digest\":\"sha256:/x\",\"size\":1},\"layers\":[]}";
	assert_int_equal(manifest_parse(bad, strlen(bad), &mf, &err), -1);
}

static void test_archive_names(void **state)
{
	(void)state;
	struct archive_names n = { 0 };
	struct vxn_err err = { 0 };
	const char dm[] = "[{\"Config\":\"c.json\",\"RepoTags\":[\"localhost/bb:latest\",\"x:1\"],"
			  "\"Layers\":[\"l.tar\"]},{\"Config\":\"d.json\",\"RepoTags\":null}]";

	assert_int_equal(docker_manifest_tags(dm, strlen(dm), &n, &err), 0);
	assert_int_equal(n.n, 2);
	assert_string_equal(n.v[0], "localhost/bb:latest");
	archive_names_free(&n);
	assert_int_equal(oci_index_names(index_json, strlen(index_json), &n, &err), 0);
	assert_int_equal(n.n, 2);
	assert_string_equal(n.v[1], "localhost/b:2");
	archive_names_free(&n);
	assert_int_equal(docker_manifest_tags("{}", 2, &n, &err), -1);
}

static void test_toolmsg(void **state)
{
	(void)state;
	char out[512];
	const char *refused = "skopeo failed (status 0x100): time=\"x\" level=fatal msg=\"initializing "
			      "source docker://127.0.0.1:1/b:latest: pinging container registry "
			      "127.0.0.1:1: Get \\\"http://127.0.0.1:1/v2/\\\": dial tcp 127.0.0.1:1: "
			      "connect: connection refused\"";
	toolmsg_pull(refused, "127.0.0.1:1", "127.0.0.1:1/b:latest", out, sizeof(out));
	assert_string_equal(out, "cannot reach registry 127.0.0.1:1: connection refused");
	toolmsg_pull("msg=\"reading manifest latest in r/x: manifest unknown: manifest unknown\"",
		     "r", "r/x:latest", out, sizeof(out));
	assert_string_equal(out, "manifest for r/x:latest not found: manifest unknown");
	toolmsg_reason("plain line", out, sizeof(out));
	assert_string_equal(out, "plain line");
	toolmsg_reason("a msg=\"q \\\"x\\\" e\" b", out, sizeof(out));
	assert_string_equal(out, "q \"x\" e");
}

/* A full store: said by skopeo's message, or seen on the filesystem when
 * the tool said nothing of it (umoci 0.4 panics on ENOSPC). */
static void test_toolmsg_no_space(void **state)
{
	(void)state;
	assert_true(toolmsg_no_space("skopeo failed (status 0x100): time=\"x\" level=fatal "
				     "msg=\"writing blob: write /s/tmp/pull-a/oci-put-blob1: no "
				     "space left on device\""));
	assert_true(toolmsg_no_space("write /s/x: disk quota exceeded"));
	assert_false(toolmsg_no_space("umoci failed (status 0x200): \tmain.go:172 +0x32"));
	assert_false(toolmsg_no_space(""));
	const char *panic = "umoci failed (status 0x200): \tmain.go:172 +0x32";
	struct fs_room roomy = { 1ull << 30, 1000, 2000 }, full = { 4096, 1000, 2000 },
		       edge = { 1u << 20, 1000, 2000 }, no_inode = { 1ull << 30, 0, 2000 },
		       btrfs = { 1ull << 30, 0, 0 };
	assert_true(toolmsg_out_of_room("write x: no space left on device", NULL, NULL, 0));
	assert_false(toolmsg_out_of_room(panic, NULL, NULL, 0));
	assert_false(toolmsg_out_of_room(panic, &roomy, &roomy, 1u << 20));
	/* left full, or without an inode (but btrfs counts none) */
	assert_true(toolmsg_out_of_room(panic, NULL, &full, 0));
	assert_false(toolmsg_out_of_room(panic, NULL, &edge, 0));
	assert_true(toolmsg_out_of_room(panic, NULL, &no_inode, 0));
	assert_false(toolmsg_out_of_room(panic, NULL, &btrfs, 0));
	/* cleaned up after itself: less was free before than it had to write */
	assert_true(toolmsg_out_of_room(panic, &roomy, &roomy, (1ull << 30) + 1));
	assert_false(toolmsg_out_of_room(panic, &roomy, &roomy, 1ull << 30));
	assert_false(toolmsg_out_of_room(panic, NULL, &roomy, 1ull << 40));  /* before unknown */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_archive_names),
		cmocka_unit_test(test_toolmsg),
		cmocka_unit_test(test_toolmsg_no_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
