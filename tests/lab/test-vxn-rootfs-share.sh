#!/usr/bin/env bash
# The container's writes land in its rootfs, as under runc (rootfs = share,
# the default: the guest's root is the rootfs directory served by dom0 over
# Xen 9pfs):
#  - new, deleted, renamed files and directories, modes, owners, symlinks,
#    hard links, setuid files and a large file are in the rootfs as the
#    container left them, while it runs and once it exits; FIFOs and device
#    nodes are refused by Debian's QEMU (nothing left) or made as asked;
#  - a guest destroyed behind vxn's back (xl destroy) loses nothing it wrote;
#  - a second container on the same rootfs (docker start of a stopped
#    container) sees the first one's files;
#  - a hostile root (every capability) makes dom0 write nothing outside the
#    rootfs (symlinks to / and .., hard links);
#  - user.* xattrs written in the guest are in the rootfs, dom0's are seen
#    in the guest (on ext4);
#  - a read-only root takes a disk (no QEMU), and writes fail with EROFS;
#  - after delete: no QEMU, no mount, no domain, no loop device, and the
#    rootfs keeps every write.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

token=root-$$-$RANDOM
out=$LAB_WORK/out
mkdir -p "$out"

# ---- 1. every kind of change, checked from dom0 while it runs and after
b=$LAB_WORK/w
script='
try() { "$@" || echo "FAILED: $*"; }
echo "'$token'-new" > /new-file
try rm /old-file
try rm -r /old-dir
try mv /to-rename /renamed
try mv /dir-to-rename /renamed-dir
try chmod 640 /renamed
try chown 1234:5678 /renamed
try ln -s renamed /a-symlink
try ln /renamed /hard-link
try mkfifo /fifo
try mknod /cdev c 1 3
try mkdir -p /deep/a/b && echo deep > /deep/a/b/f
try cp /bin/busybox /suid && try chmod 4755 /suid
try dd if=/dev/zero of=/big bs=64k count=64 2>/dev/null
echo "'$token'-appended" >> /etc/passwd
# hostile: out of the rootfs through symlinks and ..
try ln -s / /root-link && echo "'$token'" > /root-link/tmp/escape-root
try ln -s ../../../.. /up && echo "'$token'" > /up/escape-up
echo ready > /ready
i=0
while [ ! -e /tmp/go-on ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done
echo "seen-from-dom0 $(cat /tmp/go-on)"
'
make_bundle "$b" -- /bin/sh -c "$script"
privileged "$b"
r=$b/rootfs
echo old > "$r/old-file"
mkdir -p "$r/old-dir/sub" "$r/dir-to-rename"
echo x > "$r/old-dir/sub/x"
echo "$token-renamed" > "$r/to-rename"
echo in-dir > "$r/dir-to-rename/f"
vxn create --bundle "$b" w > "$out/w.out" 2> "$out/w.err" ||
  { cat "$out/w.err"; fail "create w"; }
[ "$(qemu_count)" -gt 0 ] || fail "no QEMU backend for a shared root"
[ -z "$(losetup -a 2>/dev/null)" ] || fail "a loop device for a shared root"
vxn start w || fail "start w"
ready_or_stopped() { [ -s "$r/ready" ] || [ "$(state_of w)" = stopped ]; }
wait_until 300 ready_or_stopped
[ -s "$r/ready" ] || { cat "$out/w.out" "$out/w.err"; fail "the guest never wrote /ready"; }
# live: the writes are in the rootfs while the container runs
expect_eq "new file, live" "$(cat "$r/new-file")" "$token-new"
echo "$token-dom0" > "$r/tmp/go-on"
wait_for_state w stopped 300 || fail "w did not stop"
sed 's/^/# guest: /' "$out/w.out" "$out/w.err"
grep '^FAILED: ' "$out/w.out" | grep -v 'FAILED: mknod /cdev\|FAILED: mkfifo /fifo' &&
  fail "a change failed in the guest"
grep -qx "seen-from-dom0 $token-dom0" "$out/w.out" || fail "dom0's write not seen by the guest"
expect_eq "exit-status" "$(cat "$VXN_ROOT/w/exit-status")" 0

expect_eq "new file" "$(cat "$r/new-file")" "$token-new"
[ ! -e "$r/old-file" ] || fail "a deleted file is back"
[ ! -e "$r/old-dir" ] || fail "a deleted directory is back"
[ ! -e "$r/to-rename" ] && [ ! -e "$r/dir-to-rename" ] || fail "a renamed entry kept its old name"
expect_eq "renamed file" "$(cat "$r/renamed")" "$token-renamed"
expect_eq "renamed directory" "$(cat "$r/renamed-dir/f")" in-dir
expect_eq "mode and owner" "$(stat -c %a:%u:%g "$r/renamed")" 640:1234:5678
expect_eq "symlink" "$(readlink "$r/a-symlink")" renamed
expect_eq "hard link" "$(stat -c %i "$r/hard-link")" "$(stat -c %i "$r/renamed")"
# QEMU 7.2's 9pfs backend (its CVE-2023-2861 fix) refuses special files:
# refused cleanly (nothing left in the rootfs), or, with a QEMU that makes
# them, made as asked
if grep -q '^FAILED: mkfifo /fifo' "$out/w.out"; then
  say "mkfifo in the shared root: refused by QEMU's 9pfs backend"
  [ -e "$r/fifo" ] && fail "a refused FIFO is in the rootfs"
else
  [ -p "$r/fifo" ] || fail "no FIFO"
fi
if grep -q '^FAILED: mknod /cdev' "$out/w.out"; then
  say "mknod of a device node in the shared root: refused by QEMU's 9pfs backend"
  [ -e "$r/cdev" ] && fail "a refused device node is in the rootfs"
else
  expect_eq "device node" "$(stat -c %F:%t:%T "$r/cdev")" "character special file:1:3"
fi
expect_eq "nested directories" "$(cat "$r/deep/a/b/f")" deep
expect_eq "setuid file mode" "$(stat -c %a "$r/suid")" 4755
expect_eq "large file" "$(stat -c %s "$r/big")" $((64 * 65536))
expect_eq "large file content" "$(tr -d '\0' < "$r/big" | wc -c)" 0
expect_eq "append to an image file" "$(tail -n 1 "$r/etc/passwd")" "$token-appended"
# the hostile part: inside the rootfs, nothing outside
[ -e /tmp/escape-root ] && fail "the guest wrote dom0's /tmp through a symlink to /"
[ -e /escape-up ] || [ -e "$LAB_WORK/escape-up" ] || [ -e "$b/escape-up" ] &&
  fail "the guest wrote outside its rootfs through ../"
expect_eq "write through a symlink to /" "$(cat "$r/tmp/escape-root")" "$token"
expect_eq "write through ../../../.." "$(cat "$r/escape-up")" "$token"
expect_eq "dom0's /dev/null" "$(stat -c %t:%T /dev/null)" "1:3"
vxn delete w || fail "delete w"

# ---- 2. the same rootfs again (docker start of a stopped container)
make_bundle "$LAB_WORK/again" -- /bin/true
rm -rf "$LAB_WORK/again/rootfs"
cp "$b/config.json" "$LAB_WORK/again/config.json"
sed -i 's|"path": *"rootfs"|"path": "'"$r"'"|' "$LAB_WORK/again/config.json"
python3 - "$LAB_WORK/again/config.json" <<'PY' || fail "editing again"
import json, sys
spec = json.load(open(sys.argv[1]))
spec["process"]["args"] = ["/bin/sh", "-c", "cat /new-file /renamed-dir/f; ls -ln /renamed"]
json.dump(spec, open(sys.argv[1], "w"))
PY
vxn run --bundle "$LAB_WORK/again" again < /dev/null > "$out/again.out" 2>&1 ||
  fail "run again: $(cat "$out/again.out")"
expect_eq "the first container's files, seen by the second" \
  "$(head -n 2 "$out/again.out" | tr '\n' ' ')" "$token-new in-dir "
grep -q '^-rw-r----- *2 1234 *5678 ' "$out/again.out" || fail "mode/owner/links seen again: $(cat "$out/again.out")"
vxn delete again || fail "delete again"

# ---- 3. destroyed behind vxn's back: what it wrote is there
make_bundle "$LAB_WORK/crash" -- /bin/sh -c 'echo "'$token'-before-crash" > /crash-file; echo ready > /ready; sleep 600'
vxn run --bundle "$LAB_WORK/crash" crash < /dev/null > "$out/crash.out" 2>&1 &
crash_ready() { [ -s "$LAB_WORK/crash/rootfs/ready" ] || [ "$(state_of crash)" = stopped ]; }
wait_until 300 crash_ready
[ -s "$LAB_WORK/crash/rootfs/ready" ] || fail "crash never wrote /ready: $(cat "$out/crash.out")"
xl destroy vxn-crash || fail "xl destroy vxn-crash"
wait_for_state crash stopped 60 || fail "crash not stopped after xl destroy"
wait
expect_eq "a write before xl destroy" "$(cat "$LAB_WORK/crash/rootfs/crash-file")" "$token-before-crash"
vxn delete crash || fail "delete crash"

# ---- 3b. extended attributes: user.* written in the guest land in the
# rootfs, dom0's are read in the guest (QEMU's security model "none"
# passes user.* through). On ext4: dom0's root here is an overlay on a
# tmpfs, which keeps no user.* attributes.
XT=$VXN_BUILD_DIR/tests/xattr-tool
if [ -x "$XT" ] && command -v mkfs.ext4 >/dev/null; then
  xi=$LAB_WORK/xattr.img xd=$LAB_WORK/xattr
  trap 'umount "$xd" 2>/dev/null; lab_cleanup' EXIT
  truncate -s 64M "$xi" && mkfs.ext4 -q -F "$xi" && mkdir -p "$xd" && mount -o loop "$xi" "$xd" ||
    fail "an ext4 image for the xattr bundle"
  make_bundle "$xd/b" -- /bin/sh -c 'xattr-tool set /f user.vxn "'$token'-guest" || echo set-failed
    echo "dom0-said $(xattr-tool get /f user.dom0)"
    xattr-tool set /f security.vxn x 2>&1 && echo security-set; true'
  cp "$XT" "$xd/b/rootfs/bin/xattr-tool" && echo f > "$xd/b/rootfs/f" || fail "the xattr bundle"
  python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.dom0", sys.argv[2].encode())' \
    "$xd/b/rootfs/f" "$token-dom0" || fail "setxattr in dom0"
  vxn run --bundle "$xd/b" xa < /dev/null > "$out/xa.out" 2>&1 || fail "run xa: $(cat "$out/xa.out")"
  vxn delete xa || fail "delete xa"
  sed 's/^/# guest: /' "$out/xa.out"
  grep -q set-failed "$out/xa.out" && fail "setting a user xattr in the guest failed"
  expect_eq "dom0's user xattr, read in the guest" "$(grep '^dom0-said' "$out/xa.out")" "dom0-said $token-dom0"
  got=$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.vxn").decode())' "$xd/b/rootfs/f" 2>&1)
  expect_eq "the guest's user xattr, in the rootfs" "$got" "$token-guest"
  say "user.* xattrs both ways; security.* set in the guest: $(grep -v '^dom0-said' "$out/xa.out" | tr '\n' ' ')"
  umount "$xd" || fail "umount the xattr image"
  trap lab_cleanup EXIT
else
  say "skip: xattrs (no $XT or no mkfs.ext4)"
fi

# ---- 4. a read-only root: a disk, no QEMU, EROFS
make_bundle "$LAB_WORK/ro" -- /bin/sh -c 'echo x > /x 2>&1 || echo refused; grep -c " / " /proc/mounts'
sed -i 's/"readonly": false/"readonly": true/' "$LAB_WORK/ro/config.json"
before=$(qemu_count)
vxn run --bundle "$LAB_WORK/ro" ro < /dev/null > "$out/ro.out" 2>&1 || fail "run ro: $(cat "$out/ro.out")"
grep -q "Read-only file system" "$out/ro.out" || fail "read-only root: $(cat "$out/ro.out")"
[ ! -e "$LAB_WORK/ro/rootfs/x" ] || fail "a write to a read-only root reached the rootfs"
grep -q 'root.img\|loop' "$VXN_LOG" || say "(no disk line in the log)"
vxn delete ro || fail "delete ro"
expect_eq "QEMU processes for a read-only root" "$(qemu_count)" "$before"

# ---- nothing left, and the rootfs keeps everything
for _ in $(seq 50); do [ "$(qemu_count)" -eq 0 ] && break; sleep 0.2; done
expect_eq "QEMU processes after delete" "$(qemu_count)" 0
expect_eq "vxn mounts after delete" "$(vxn_mounts)" 0
only_dom0 "after delete"
no_loops "after delete"
[ -z "$(ls -A "$VXN_ROOT" 2>/dev/null | grep -v '^\.')" ] || fail "state left: $(ls -A "$VXN_ROOT")"
expect_eq "the rootfs after delete" "$(cat "$r/new-file")" "$token-new"
echo "ok"
