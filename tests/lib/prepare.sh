# Sourced by tests/run and tests/demo: the steps both need before the lab.
# Expects $top (the repository root) and runs from it.

# A step's heading, with the seconds since the test command started: CI
# keeps only what is printed.
step() { echo "== [${SECONDS} s] $*" >&2; }

# meson setup (once) + ninja for build directory $1 with meson options $2...
build_dir() {
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log" >&2; return 1; }
	fi
	ninja -C "$dir" >&2
}

# Builds (or finds cached) the guest kernel and writes the vxn.conf the lab runs
# vxn with: this build's kernel and initramfs. Prints the config's path.
lab_config() {
	local kernel conf=$top/build/vxn-lab.conf
	step "guest kernel (cached after the first build)"
	kernel=$(blobs/build-kernel) || return 1
	# vdkr's bridge (test-vdkr) on a benchmarking network, as every test network
	printf '# written by tests/lib/prepare.sh for the lab\nkernel = %s\ninitramfs = %s\nvdkr_subnet = 198.18.96.0/24\n' \
		"$kernel" "$top/build/blobs/initramfs.cpio" >"$conf"
	echo "$conf"
}
