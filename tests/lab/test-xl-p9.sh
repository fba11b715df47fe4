#!/usr/bin/env bash
# The mechanism under vxn's volumes, without vxn: a PV guest of vxn's own
# kernel with a libxl p9 device (Xen 9pfs, Debian's qemu-system-xen as the
# backend in dom0) mounts the share with trans=xen, reads a file dom0 wrote
# and writes one dom0 reads. Then the domain and its QEMU backend are gone.
# Prints the guest's uptime at its first line and after the mount (boot cost
# of the share).
set -u
export LC_ALL=C
. "$(dirname "$0")/lib.sh"

lab_init
kernel=$(conf_value kernel)
qemu=/usr/libexec/xen-qemu-system-i386
[ -x "$qemu" ] || skip "no $qemu (qemu-system-xen, tests/deps.sh)"

# libxl gives QEMU 60 s to start; the lab's dom0 reads it from the host over
# 9p: once before, so that a loaded machine does not time it out.
"$qemu" --version >/dev/null 2>&1
name=xltest-p9-$$
token="p9-$$-$RANDOM$RANDOM"
work=$LAB_WORK/p9
mkdir -p "$work/root/bin" "$work/root/dev" "$work/root/proc" "$work/root/mnt" "$work/share"
xl_cleanup() { xl destroy "$name" >/dev/null 2>&1; lab_cleanup; }
trap xl_cleanup EXIT
echo "$token-from-dom0" > "$work/share/hello"

cp /bin/busybox "$work/root/bin/busybox"
cat > "$work/root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t proc proc /proc
echo "$token boot uptime=\$(/bin/busybox cut -d' ' -f1 /proc/uptime)" > /dev/hvc0
# as guest-init does (guest-init/mounts.c): the tag may not be registered,
# or the backend not yet serve it, for a moment after boot
mounted=no
for try in \$(/bin/busybox seq 200); do
  /bin/busybox mount -t 9p -o trans=xen,version=9p2000.L share0 /mnt 2>/dev/hvc0 && { mounted=yes; break; }
  /bin/busybox sleep 0.1
done
if [ \$mounted = yes ]; then
  [ \$try = 1 ] || echo "$token mount took \$try tries" > /dev/hvc0
  echo "$token mounted uptime=\$(/bin/busybox cut -d' ' -f1 /proc/uptime)" > /dev/hvc0
  echo "$token read \$(/bin/busybox cat /mnt/hello)" > /dev/hvc0
  echo "$token-from-guest" > /mnt/from-guest
  /bin/busybox sync
  /bin/busybox umount /mnt
  echo "$token wrote" > /dev/hvc0
else
  echo "$token mount failed" > /dev/hvc0
fi
/bin/busybox poweroff -f
INIT
chmod 755 "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet -R 0:0) > "$work/initrd.img" ||
  fail "building the guest initramfs"

cat > "$work/domu.cfg" <<CFG
name = "$name"
type = "pv"
kernel = "$kernel"
ramdisk = "$work/initrd.img"
extra = "console=hvc0"
memory = 64
vcpus = 1
p9 = [ "tag=share0,security_model=none,path=$work/share" ]
on_poweroff = "destroy"
on_crash = "destroy"
CFG

console_log=$XENLAB_CONSOLE_DIR/guest-$name.log
start=$(now_us)
xl create "$work/domu.cfg" || fail "xl create with a p9 device exited $?"
say "xl create with a p9 device took $(seconds_since "$start") s"
pgrep -f "xen-qemu-system-i386.*-xen-domid" >/dev/null || fail "no QEMU backend after create"

for _ in $(seq 600); do
  grep -aq "^$token \(wrote\|mount failed\)" "$console_log" 2>/dev/null && break
  sleep 0.2
done
grep -a "^$token" "$console_log" | tr -d '\r'
grep -aq "^$token read $token-from-dom0" "$console_log" ||
  { cat "$console_log"; fail "the guest did not read dom0's file through the share"; }
[ "$(cat "$work/share/from-guest" 2>/dev/null)" = "$token-from-guest" ] ||
  fail "dom0 does not see the guest's write"

for _ in $(seq 300); do xl domid "$name" >/dev/null 2>&1 || break; sleep 0.2; done
xl domid "$name" >/dev/null 2>&1 && fail "the domain outlived its poweroff"
for _ in $(seq 100); do pgrep -f "xen-qemu-system-i386.*-xen-domid" >/dev/null || break; sleep 0.2; done
pgrep -af "xen-qemu-system-i386" && fail "the QEMU backend outlived its domain"
echo "ok"
