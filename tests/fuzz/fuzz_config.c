/* vxn.conf (core/config.c): "key = value" lines, read from a file. What
 * config_load accepts is within the bounds config.h states. */
#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxn_config c;
	struct vxn_err err;
	char path[64];

	if (fuzz_file(data, size, path, sizeof path) < 0)
		return 0;
	if (config_load(path, &c, &err) == 0) {
		must(c.memory_mib >= 1 && c.vcpus >= 1);
		must(c.pool_size <= CONFIG_MAX_POOL_SIZE && c.rootdisk_cache <= CONFIG_MAX_ROOTDISK_CACHE);
		must(c.kernel && c.kernel[0] == '/' && c.initramfs && c.initramfs[0] == '/');
		must(c.state_root && c.state_root[0] == '/');
		must(!strcmp(c.disk_format, "ext4") || !strcmp(c.disk_format, "erofs"));
		config_free(&c);
	} else {
		must(err.msg[0] != '\0');
	}
	return 0;
}
