#!/usr/bin/env bash
# guest-init alone, end to end, without the runtime: tests/lab/guest-peer
# plays the monitor. A 32 MiB PV guest boots the minimal kernel with the
# base initramfs (vxn-init as /init) plus a launch cpio, mounts an ext4 root
# made of busybox, runs a shell command as uid 1000 in /tmp with FOO=bar and
# must give back its stdout, stderr, word of the exec and exit status 3; a
# second guest checks the exec failure report (127, and no word of an
# exec), terminal mode (a pty as stdio) and a signal from the host
# (SIGTERM: 143).
# Needs VXN_BUILD_DIR (a meson build of this tree) and the cached kernel
# (VXN_KERNEL, the path blobs/build-kernel prints; else the kernel named by
# VXN_CONFIG, the vxn.conf tests/run writes for the lab).
set -u
export LC_ALL=C

if ! grep -qs control_d /proc/xen/capabilities; then
  echo "SKIP: not in a Xen dom0 (run through tests/xenlab/xenlab run)"
  exit 77
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${VXN_BUILD_DIR:-}
peer=$build/guest-init/guest-peer
base=$build/blobs/initramfs.cpio
kernel=${VXN_KERNEL:-}
if [ -z "$kernel" ] && [ -r "${VXN_CONFIG:-}" ]; then
  kernel=$(sed -n 's/^kernel[[:space:]]*=[[:space:]]*//p' "$VXN_CONFIG" | tail -n 1)
fi
if [ ! -x "$peer" ] || [ ! -r "$base" ] || [ ! -r "$kernel" ]; then
  echo "SKIP: need VXN_BUILD_DIR with guest-init/guest-peer and blobs/initramfs.cpio, and VXN_KERNEL"
  exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d /tmp/guest-init-test.XXXXXX)
names=()
cleanup() {
  for n in "${names[@]}"; do xl destroy "$n" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The root disk: busybox and the few applets the commands use.
mkdir -p "$work/root/bin" "$work/root/tmp" "$work/root/proc" "$work/root/dev"
cp /bin/busybox "$work/root/bin/busybox"
for a in sh echo id pwd cat sleep; do ln -s busybox "$work/root/bin/$a"; done
chmod 1777 "$work/root/tmp"
mke2fs -q -t ext4 -d "$work/root" "$work/root.img" 16M || fail "mke2fs"

# run NAME -- ARGS...: boot one guest with that launch, relay it.
run_guest() {
  local name=$1; shift
  local dir=$work/$name
  mkdir -p "$dir/cpio/vxn"
  "$peer" encode "$dir/cpio/vxn/launch" "$@" || fail "encode"
  (cd "$dir/cpio" && find vxn | cpio -o -H newc --quiet -R 0:0) > "$dir/launch.cpio"
  cat "$base" "$dir/launch.cpio" > "$dir/ramdisk"
  cp "$work/root.img" "$dir/root.img"
  cat > "$dir/cfg" <<CFG
name = "$name"
type = "pv"
kernel = "$kernel"
ramdisk = "$dir/ramdisk"
extra = "console=hvc0 quiet"
memory = 32
vcpus = 1
disk = [ "format=raw,vdev=xvda,access=rw,target=$dir/root.img" ]
on_poweroff = "destroy"
on_crash = "destroy"
CFG
  names+=("$name")
  xl create -q -p "$dir/cfg" || fail "xl create $name"
  local domid
  domid=$(xl domid "$name") || fail "xl domid"
  env ${PEER_SIGNAL:+PEER_SIGNAL=$PEER_SIGNAL} "$peer" serve "$domid" > "$dir/stdout" 2> "$dir/stderr"
  echo $? > "$dir/status"
  for _ in $(seq 100); do xl domid "$name" >/dev/null 2>&1 || break; sleep 0.1; done
  echo "--- $name console:"
  cat "${XENLAB_CONSOLE_DIR:-/var/log/xen/console}/guest-$name.log" 2>/dev/null | grep -a "vxn-init" || true
  echo "--- $name stdout:"; cat "$dir/stdout"
  echo "--- $name stderr:"; cat "$dir/stderr"
  echo "--- $name status: $(cat "$dir/status")"
}

run_guest gi-basic-$$ --cwd /tmp --uid 1000 --gid 1000 \
  --env PATH=/bin --env FOO=bar -- \
  sh -c 'echo out; echo err >&2; echo $FOO; pwd; id -u; exit 3'
d=$work/gi-basic-$$
[ "$(cat "$d/stdout")" = "$(printf 'out\nbar\n/tmp\n1000')" ] || fail "stdout"
grep -qx err "$d/stderr" || fail "stderr"
grep -qx "peer: process started" "$d/stderr" || fail "no word of the exec (EXEC_STARTED on stream 0)"
[ "$(cat "$d/status")" = 3 ] || fail "exit status $(cat "$d/status"), want 3"
xl domid gi-basic-$$ >/dev/null 2>&1 && fail "guest still there after its exit"

run_guest gi-nope-$$ --env PATH=/bin -- /bin/nope
d=$work/gi-nope-$$
grep -q "guest error: exec: /bin/nope: no such file or directory" "$d/stderr" || fail "exec error text"
[ "$(cat "$d/status")" = 127 ] || fail "exec failure status $(cat "$d/status"), want 127"
grep -q "process started" "$d/stderr" && fail "a process that could not start was reported started"

run_guest gi-tty-$$ --terminal --env PATH=/bin -- \
  sh -c 'test -t 0 && test -t 1 && echo tty-ok; echo e2 >&2'
d=$work/gi-tty-$$
grep -q "^tty-ok.$" "$d/stdout" || fail "terminal: stdin/stdout are not a tty"
grep -q "^e2.$" "$d/stdout" || fail "terminal: stderr does not go to the pty"
[ "$(cat "$d/status")" = 0 ] || fail "terminal status $(cat "$d/status"), want 0"

PEER_SIGNAL=15 run_guest gi-sig-$$ --env PATH=/bin -- sh -c 'echo ready; sleep 100'
d=$work/gi-sig-$$
[ "$(cat "$d/status")" = 143 ] || fail "signalled status $(cat "$d/status"), want 143"
echo "ok"
