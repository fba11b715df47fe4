/* xattr-tool: extended attributes from inside a test guest, whose busybox
 * has no setfattr/getfattr. Static, copied into a test rootfs.
 *   xattr-tool set PATH NAME VALUE   (prints nothing; exit 1 with errno's text)
 *   xattr-tool get PATH NAME         (prints the value and a newline) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
	char buf[4096];

	if (argc == 5 && strcmp(argv[1], "set") == 0) {
		if (lsetxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) == 0)
			return 0;
	} else if (argc == 4 && strcmp(argv[1], "get") == 0) {
		ssize_t n = lgetxattr(argv[2], argv[3], buf, sizeof buf - 1);
		if (n >= 0) {
			buf[n] = '\0';
			printf("%s\n", buf);
			return 0;
		}
	} else {
		fprintf(stderr, "usage: xattr-tool set PATH NAME VALUE | get PATH NAME\n");
		return 2;
	}
	fprintf(stderr, "xattr-tool: %s %s: %s\n", argv[3], argv[2], strerror(errno));
	return 1;
}
