#!/usr/bin/env bash
# Volumes through vxn on real Xen (9pfs, QEMU in dom0 as the backend):
#  - a read-write directory and a single file, each written on both sides
#    while the container runs and seen by the other side;
#  - a read-only directory and file: a write fails with EROFS, also after
#    the container remounts them read-write (dom0 enforces it, not the guest);
#  - a file volume shows the guest that file and nothing beside it;
#  - a hostile guest (symlinks to / and .., hard links, device nodes, a
#    setuid file) makes dom0 write nothing outside the volume;
#  - with rootfs = disk, a QEMU backend runs only for a container with
#    volumes; none, no domain, no mount and no loop device is left after delete;
#  - a missing source: runc's error, exit 1, nothing left.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

token=vol-$$-$RANDOM
host=$LAB_WORK/host
out=$LAB_WORK/out
mkdir -p "$host/vol" "$host/ro" "$host/files" "$out"
echo "$token-from-dom0" > "$host/vol/from-dom0"
echo "$token-ro" > "$host/ro/ro-file"
echo "$token-sibling" > "$host/files/secret-sibling"
echo "$token-single" > "$host/files/single"
echo "$token-single-ro" > "$host/files/single-ro"


# add_mounts BUNDLE JSON-OBJECTS...: appends mounts to config.json
add_mounts() {
  python3 - "$@" <<'PY' || fail "editing config.json"
import json, sys
path = sys.argv[1] + "/config.json"
spec = json.load(open(path))
spec["mounts"] += [json.loads(m) for m in sys.argv[2:]]
json.dump(spec, open(path, "w"), indent=1)
PY
}

# ---- the fast path: with rootfs = disk, a container without volumes gets
# no QEMU (with the default, rootfs = share, its root is a share)
make_bundle "$LAB_WORK/plain" -- /bin/sh -c 'echo plain-ready; sleep 2'
before=$(qemu_count)
VXN_CONFIG=$(conf_with disk rootfs=disk) vxn run --bundle "$LAB_WORK/plain" plain > "$out/plain.out" 2>&1 &
plain_pid=$!
wait_for_text "$out/plain.out" plain-ready 300 || fail "plain never started"
expect_eq "QEMU processes while a container without volumes runs" "$(qemu_count)" "$before"
wait "$plain_pid" || fail "plain exited $?"
vxn delete plain 2>/dev/null

# ---- the container: every write it makes is checked from dom0 afterwards
script='
cd /
echo "read $(cat /data/from-dom0)"
echo "'$token'-from-guest" > /data/from-guest
echo "file $(cat /f)"
echo "'$token'-appended-by-guest" >> /f
for p in /ro/new /fro; do
  if (echo x >> $p) 2>/tmp/e; then echo "WROTE $p"; else echo "refused $p: $(cat /tmp/e)"; fi
done
mount -o remount,bind,rw /ro && mount -o remount,bind,rw /fro && echo remounted-rw
grep -E " /(ro|fro) " /proc/mounts
# mountinfo roots, as runc shows them: ending in the base name of the source
awk '"'"'$5 == "/data" || $5 == "/f" { print "root " $5 " " $4 }'"'"' /proc/self/mountinfo
for p in /ro/new /fro; do
  if (echo x >> $p) 2>/tmp/e; then echo "WROTE $p"; else echo "refused $p: $(cat /tmp/e)"; fi
done
# hostile: escape through symlinks, links to outside files, device nodes, setuid
ln -s / /data/root-link && echo "'$token'" > /data/root-link/tmp/escape-root
ln -s ../../../.. /data/up && echo "'$token'" > /data/up/escape-up
ln /etc/passwd /data/passwd-link 2>/dev/null && echo "hard link across: made"
ln /data/from-guest /data/hard && echo "hard link inside: made"
mknod /data/null c 1 3 && echo "'$token'" > /data/null && echo "mknod: made"
cp /bin/busybox /data/suid && chmod 4755 /data/suid && echo "setuid: made"
echo ready > /data/ready
i=0
while [ ! -e /data/later ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done
echo "later $(cat /data/later)"
echo "file-now $(cat /f)"
'
make_bundle "$LAB_WORK/vol" -- /bin/sh -c "$script"
privileged "$LAB_WORK/vol"
add_mounts "$LAB_WORK/vol" \
  '{"destination": "/data", "type": "bind", "source": "'"$host/vol"'", "options": ["rbind", "rprivate"]}' \
  '{"destination": "/ro", "type": "bind", "source": "'"$host/ro"'", "options": ["rbind", "ro"]}' \
  '{"destination": "/f", "type": "bind", "source": "'"$host/files/single"'", "options": ["bind"]}' \
  '{"destination": "/fro", "type": "bind", "source": "'"$host/files/single-ro"'", "options": ["bind", "ro"]}'

t0=$(now_us)
vxn create --bundle "$LAB_WORK/vol" vol > "$out/vol.out" 2> "$out/vol.err"
rc=$?
[ $rc -eq 0 ] || { cat "$out/vol.err"; fail "create with volumes exited $rc"; }
say "create with 4 volumes: $(seconds_since "$t0") s"
[ "$(qemu_count)" -gt 0 ] || fail "no QEMU backend for a container with volumes"
grep " $VXN_ROOT/vol/shares" /proc/mounts | sed 's/^/# dom0 mount: /'
vxn start vol || fail "start vol"
wait_nonempty "$host/vol/ready" 300 || { cat "$out/vol.out" "$out/vol.err"; fail "the guest never wrote /data/ready"; }
say "start to the guest's first writes: $(seconds_since "$t0") s"

# dom0 sees the guest's writes while it runs, and the guest sees dom0's
expect_eq "guest's write seen in dom0" "$(cat "$host/vol/from-guest")" "$token-from-guest"
expect_eq "guest's append to the file volume" "$(tail -n 1 "$host/files/single")" "$token-appended-by-guest"
echo "$token-single-rewritten" > "$host/files/single"   # in place: same inode
echo "$token-later" > "$host/vol/later"
wait_for_state vol stopped 300 || fail "vol did not stop"
cat "$out/vol.out" | sed 's/^/# guest: /'
grep -qx "read $token-from-dom0" "$out/vol.out" || fail "the guest did not read dom0's file"
grep -qx "file $token-single" "$out/vol.out" || fail "the guest did not read the file volume"
grep -qx "later $token-later" "$out/vol.out" || fail "dom0's write during the run not seen by the guest"
grep -qx "file-now $token-single-rewritten" "$out/vol.out" ||
  fail "dom0's rewrite of the file volume not seen by the guest"

# the guest's mountinfo names a volume's root by the source's base name, as
# runc's does (runtime-tools' mounts check compares base names)
grep -Eqx "root /data /?([^ ]*/)?vol" "$out/vol.out" || fail "mountinfo root of /data: $(grep '^root /data' "$out/vol.out")"
grep -Eqx "root /f /?([^ ]*/)?single" "$out/vol.out" || fail "mountinfo root of /f: $(grep '^root /f' "$out/vol.out")"

# read-only: EROFS, before and after the guest's own remount
expect_eq "read-only refusals" "$(grep -c '^refused .*: Read-only file system$' "$out/vol.out")" 4
grep -q '^remounted-rw$' "$out/vol.out" || fail "the guest could not remount its read-only volumes (test premise)"
grep -q '^WROTE' "$out/vol.out" && fail "a write to a read-only volume succeeded"
expect_eq "read-only dir in dom0" "$(ls -A "$host/ro")" "ro-file"
expect_eq "read-only file in dom0" "$(cat "$host/files/single-ro")" "$token-single-ro"

# hostile guest: nothing outside the volume
[ -e /tmp/escape-root ] && fail "the guest wrote dom0's /tmp through a symlink"
[ -e /escape-up ] || [ -e "$LAB_WORK/escape-up" ] || [ -e "$host/escape-up" ] &&
  fail "the guest wrote outside its volume through ../"
grep -q "hard link across: made" "$out/vol.out" && fail "a hard link to a file outside the volume was made"
grep -q "hard link inside: made" "$out/vol.out" || fail "a hard link inside the volume failed"
expect_eq "the file volume's directory" "$(ls -A "$host/files" | tr '\n' ' ')" "secret-sibling single single-ro "
expect_eq "the file volume's sibling" "$(cat "$host/files/secret-sibling")" "$token-sibling"
expect_eq "dom0's /dev/null" "$(stat -c %t:%T /dev/null)" "1:3"
[ -c "$host/vol/null" ] && say "a device node the guest made is in the volume (inside it: allowed; QEMU will not open it)"
[ -u "$host/vol/suid" ] && say "a setuid file the guest made is in the volume, as under runc with a root container"
expect_eq "the host tree beside the volumes" "$(ls -A "$host" | tr '\n' ' ')" "files ro vol "

# nothing left
vxn delete vol || fail "delete vol"
for _ in $(seq 50); do [ "$(qemu_count)" -eq 0 ] && break; sleep 0.2; done
expect_eq "QEMU processes after delete" "$(qemu_count)" 0
expect_eq "vxn mounts after delete" "$(vxn_mounts)" 0
[ ! -e "$VXN_ROOT/vol" ] || fail "state dir left after delete"
only_dom0 "after delete"
no_loops "after delete"
expect_eq "the volume after delete" "$(cat "$host/vol/from-dom0")" "$token-from-dom0"

# ---- bad input: a missing source
make_bundle "$LAB_WORK/nosrc" -- /bin/true
add_mounts "$LAB_WORK/nosrc" '{"destination": "/data", "type": "bind", "source": "/nonexistent-'$token'", "options": ["rbind"]}'
# without vxn's --log, which takes the error line off stderr (as runc's does)
"$VXN" --root "$VXN_ROOT" create --bundle "$LAB_WORK/nosrc" nosrc > "$out/nosrc.out" 2> "$out/nosrc.err"
rc=$?
expect_eq "exit status for a missing source" "$rc" 1
expect_eq "stderr lines" "$(wc -l < "$out/nosrc.err")" 1
grep -q "^vxn: error: " "$out/nosrc.err" || fail "missing source: not vxn's error line: $(cat "$out/nosrc.err")"
grep -qF "error mounting \"/nonexistent-$token\" to rootfs at \"/data\": stat /nonexistent-$token: no such file or directory" \
  "$out/nosrc.err" || fail "missing source: $(cat "$out/nosrc.err")"
[ ! -e "$VXN_ROOT/nosrc" ] || fail "state dir left after a missing source"
expect_eq "vxn mounts after a missing source" "$(vxn_mounts)" 0
only_dom0 "after a missing source"
echo "ok"
