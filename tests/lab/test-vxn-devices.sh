#!/usr/bin/env bash
# What the container sees of its kernel, as under runc: the spec's mounts in
# the spec's order in /proc/self/mountinfo, /dev a tmpfs holding runc's
# default nodes and links and the spec's linux.devices (type, numbers, mode,
# owner), the spec's linux.sysctl written, its maskedPaths hidden and its
# readonlyPaths read-only. A sysctl the guest's kernel lacks is skipped; one
# it refuses fails the start, naming it, and leaves nothing behind.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
out=$LAB_WORK/out
mkdir -p "$out"

# edit_spec BUNDLE PYTHON: runs PYTHON with `spec` loaded from config.json
edit_spec() {
  python3 - "$1/config.json" "$2" <<'PY' || fail "editing config.json"
import json, sys
path, code = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
exec(code)
json.dump(spec, open(path, "w"), indent=1)
PY
}

show='awk "{ print \$5, \$9 }" /proc/self/mountinfo > /tmp/mounts
for d in /dev/fuse /dev/sub/fifo /dev/null /dev/zero /dev/tty; do
  stat -c "%n %F %t %T %a %u %g" $d; done
for l in /dev/ptmx /dev/fd /dev/stdin /dev/stdout /dev/stderr; do
  echo "$l -> $(readlink $l)"; done
echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
echo "ping_group_range $(cat /proc/sys/net/ipv4/ping_group_range)"
echo "timer_list bytes $(cat /proc/timer_list 2>&1 | wc -c), firmware entries $(ls -A /sys/firmware | wc -l), version $(cat /proc/version | wc -l)"
echo 0 2>/dev/null > /proc/sys/net/ipv4/ip_forward && echo "/proc/sys writable" || echo "/proc/sys read-only"
echo ---; cat /tmp/mounts'
make_bundle "$LAB_WORK/dev" -- /bin/sh -c "$show"
edit_spec "$LAB_WORK/dev" '
spec["linux"]["devices"] = [
  {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 0o660, "uid": 10, "gid": 20},
  {"path": "/dev/sub/fifo", "type": "p"}]
spec["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "net.ipv4.ping_group_range": "0 2147483647",
                           "net.netfilter.nf_conntrack_max": "1024"}
spec["linux"]["maskedPaths"] = ["/proc/timer_list", "/sys/firmware", "/proc/not-there"]
spec["linux"]["readonlyPaths"] = ["/proc/sys", "/not-there"]
print("\n".join(m["destination"] for m in spec["mounts"] if m.get("type") != "cgroup"),
      file=open(sys.argv[1] + ".mounts", "w"))'
vxn run --bundle "$LAB_WORK/dev" dev </dev/null >"$out/dev.out" 2>&1 ||
  fail "run: exit $?: $(cat "$out/dev.out")"
grep -aq "sysctl net/netfilter/nf_conntrack_max: not in the guest's kernel, skipped" \
  "$VXN_ROOT/dev/console.log" || fail "a sysctl the guest lacks: no console line saying it was skipped"
vxn delete dev || fail "delete dev"
sed '/^---$/,$d' "$out/dev.out" | sed 's/^/#   /'

# linux.devices, then runc's defaults (char 1,3 1,5 5,0: numbers in hex)
want_dev=$(printf '%s\n' \
  '/dev/fuse character special file a e5 660 10 20' \
  '/dev/sub/fifo fifo 0 0 666 0 0' \
  '/dev/null character special file 1 3 666 0 0' \
  '/dev/zero character special file 1 5 666 0 0' \
  '/dev/tty character special file 5 0 666 0 0' \
  '/dev/ptmx -> pts/ptmx' '/dev/fd -> /proc/self/fd' '/dev/stdin -> /proc/self/fd/0' \
  '/dev/stdout -> /proc/self/fd/1' '/dev/stderr -> /proc/self/fd/2')
expect_eq "devices and links" "$(sed -n '1,10p' "$out/dev.out")" "$want_dev"
expect_eq "sysctl net.ipv4.ip_forward" "$(sed -n 's/^ip_forward //p' "$out/dev.out")" 1
expect_eq "sysctl net.ipv4.ping_group_range" \
  "$(sed -n 's/^ping_group_range //p' "$out/dev.out" | tr -s '\t ' ' ')" "0 2147483647"

# the spec's mounts, each where it first appears in mountinfo, in the spec's order
sed '1,/^---$/d' "$out/dev.out" > "$out/mountinfo"
got=$(while read -r dest; do
  n=$(awk -v d="$dest" '$1 == d { print NR; exit }' "$out/mountinfo")
  echo "${n:-missing} $dest"
done < "$LAB_WORK/dev/config.json.mounts" | sort -n -s -k1,1 | awk '{ print $2 }')
expect_eq "mounts in the spec's order" "$got" "$(cat "$LAB_WORK/dev/config.json.mounts")"
expect_eq "/dev's filesystem" "$(awk '$1 == "/dev" { print $2; exit }' "$out/mountinfo")" tmpfs
say "mounts in order: $(echo $got)"
sed '/^---$/,$d' "$out/dev.out" > "$out/dev.head"
expect_eq "masked paths" "$(grep '^timer_list' "$out/dev.head")" \
  "timer_list bytes 0, firmware entries 0, version 1"
expect_eq "read-only paths" "$(grep '^/proc/sys' "$out/dev.head")" "/proc/sys read-only"

# a sysctl the guest's kernel refuses fails the start, naming it (guest-init
# writes them once start has let the guest run; start waits for its word)
make_bundle "$LAB_WORK/bad" -- /bin/true
edit_spec "$LAB_WORK/bad" 'spec["linux"]["sysctl"] = {"net.ipv4.ip_forward": "not-a-number"}'
vxn run --bundle "$LAB_WORK/bad" bad </dev/null >"$out/bad.out" 2>&1
expect_eq "exit status of a refused sysctl" "$?" 1
grep -q "sysctl net/ipv4/ip_forward = not-a-number: Invalid argument" "$out/bad.out" ||
  fail "the refused sysctl is not named: $(cat "$out/bad.out")"
say "refused sysctl: $(grep -m1 sysctl "$out/bad.out")"
vxn delete --force bad >/dev/null 2>&1
expect_eq "state left" "$(ls -A "$VXN_ROOT" | grep -v '^\.' | tr '\n' ' ')" ""
only_dom0 "after the devices tests"
no_loops "after the devices tests"
echo "ok"
