#!/usr/bin/env bash
# Installs exactly the Debian 12 packages vxn needs, with apt-get.
# Idempotent: does nothing when every package is already installed.
# Never starts a service: a policy-rc.d that denies every start is in place
# for the duration of the install (xen-utils ships daemons).
set -euo pipefail

PACKAGES=(
  # build
  gcc libc6-dev pkg-config meson ninja-build
  libxen-dev libyajl-dev libarchive-dev libcmocka-dev
  # the fuzz harnesses (tests/fuzz/run): clang's libFuzzer and sanitizer
  # runtimes (libclang-rt-14-dev), llvm-symbolizer for their stack traces
  clang-14 libclang-rt-14-dev llvm-14
  # static archives vxn links with libxenlight's (cli/meson.build)
  uuid-dev zlib1g-dev liblzma-dev libzstd-dev
  # guest kernel build
  linux-source-6.1 make bc flex bison libelf-dev libssl-dev xz-utils
  # the nested Xen lab
  qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17
  # the 9pfs backend libxl starts for a guest with volumes (p9 devices):
  # /usr/libexec/xen-qemu-system-i386; xen-utils only recommends it
  qemu-system-xen
  linux-image-amd64 busybox-static cpio kmod
  # root disks
  e2fsprogs erofs-utils
  # tools the test scripts use that a minimal Debian may lack
  procps
  # test bundles and images; what vdkr/vpdmn run (pull, unpack)
  umoci skopeo
  # the registry tests/lab/test-vdkr.sh pulls from (distribution 2.8), jq
  # and curl to look at the store and the registry
  docker-registry jq curl
  # engines driving vxn in the lab (tests/lab/test-engine-*.sh); runc for
  # comparison; docker.io needs iptables even with "iptables": false
  containerd docker.io podman runc iptables
  # Kubernetes' CRI without crictl (tests/lab/cri-lib.sh): a python3 gRPC
  # client whose stubs protoc generates from tests/lab/cri/api.proto; the
  # CNI plugins (bridge, host-local, portmap) pods are networked with
  protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf
  containernetworking-plugins
)

missing=()
for p in "${PACKAGES[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2

policy=/usr/sbin/policy-rc.d
saved=""
if [ -e "$policy" ]; then saved=$(mktemp); cp -p "$policy" "$saved"; fi
restore() {
  if [ -n "$saved" ]; then mv -f "$saved" "$policy"; else rm -f "$policy"; fi
}
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 755 "$policy"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
echo "deps: done" >&2
