#!/usr/bin/env bash
# A PV DomU boots and powers off: Debian's stock kernel from /boot, 128 MiB,
# and a busybox initramfs built here whose /init prints a unique line on
# hvc0 and powers off. The line must reach xenconsoled's log and the domain
# must be gone afterwards. Prints the `xl create` wall time and the time
# from create's return to the line: later benchmarks compare against them.
set -u
export LC_ALL=C

if ! grep -qs control_d /proc/xen/capabilities; then
  echo "SKIP: not in a Xen dom0 (run through tests/xenlab/xenlab run)"
  exit 77
fi
: "${XENLAB_CONSOLE_DIR:?xenconsoled log dir not set (run through tests/xenlab/xenlab run)}"
echo "lab boot time: $(cat "${XENLAB_OUT:-/nonexistent}/boot-seconds" 2>/dev/null || echo unknown) s"

now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
seconds_between() {
  local d=$(($2 - $1))
  printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000))
}
fail() { echo "FAIL: $*"; exit 1; }

kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -r "$kernel" ] || fail "no readable /boot/vmlinuz-*"
[ -x /bin/busybox ] || fail "no /bin/busybox"

name=xltest-domu-$$
token="xenlab-domu-says-hello-$$-$RANDOM$RANDOM"
work=$(mktemp -d /tmp/xltest-domu.XXXXXX)
cleanup() {
  xl destroy "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The guest's initramfs: busybox and an /init that reports its uptime on
# the Xen console and powers off.
mkdir -p "$work/root/bin" "$work/root/dev" "$work/root/proc"
cp /bin/busybox "$work/root/bin/busybox"
cat > "$work/root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t proc proc /proc
echo "$token uptime=\$(/bin/busybox cut -d' ' -f1 /proc/uptime)" > /dev/hvc0
/bin/busybox poweroff -f
INIT
chmod 755 "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$work/initrd.img" ||
  fail "building the guest initramfs"

cat > "$work/domu.cfg" <<CFG
name = "$name"
type = "pv"
kernel = "$kernel"
ramdisk = "$work/initrd.img"
extra = "console=hvc0"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_crash = "destroy"
CFG
cat "$work/domu.cfg"

console_log=$XENLAB_CONSOLE_DIR/guest-$name.log
start=$(now_us)
xl create "$work/domu.cfg" || fail "xl create exited $?"
created=$(now_us)
echo "domu: xl create took $(seconds_between "$start" "$created") s"

line=""
for _ in $(seq 1200); do
  line=$(grep -a -m 1 "^$token" "$console_log" 2>/dev/null | tr -d '\r')
  [ -z "$line" ] || break
  sleep 0.1
done
seen=$(now_us)
if [ -z "$line" ]; then
  echo "--- guest console ($console_log):"
  cat "$console_log" 2>/dev/null
  fail "the guest's line did not appear on its console within 120 s"
fi
echo "domu: line seen $(seconds_between "$created" "$seen") s after xl create returned: $line"

for _ in $(seq 600); do
  xl domid "$name" >/dev/null 2>&1 || break
  sleep 0.1
done
if xl domid "$name" >/dev/null 2>&1; then
  xl list
  fail "the domain is still there 60 s after its line"
fi
echo "domu: gone $(seconds_between "$seen" "$(now_us)") s after its line"
echo "--- guest console tail:"
tail -n 5 "$console_log"
echo "ok"
