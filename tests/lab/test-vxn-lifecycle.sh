#!/usr/bin/env bash
# vxn's lifecycle on real Xen beyond the basics: two containers at once with
# runc-like state JSON and `list` (table and json), the spec's hostname,
# `kill --all`, `vxn run` as a one-shot (plain, --rm, --detach), a JSON
# error line in --log, and a container whose stdout nobody reads: the
# monitor must still answer state and kill. (Many containers at once, and
# the grant limit vxn raises for their channels: test-vxn-load.)
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

# json_field JSON KEY: a string or number field of a flat JSON object
json_field() {
  tr -d '\n' <<<"$1" | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p"
}
out=$LAB_WORK/out
mkdir -p "$out"

# ---- 1. two containers at once; state JSON like runc's; list
make_bundle "$LAB_WORK/a" -- /bin/sh -c 'echo ready; exec sleep 1000'
make_bundle "$LAB_WORK/b" -- /bin/sh -c 'echo ready; exec sleep 1000'
sed -i 's|^  "ociVersion": "1.0.2",|&\n  "annotations": {"com.example.lab": "yes"},|' "$LAB_WORK/a/config.json"
t0=$(now_us)
vxn create --bundle "$LAB_WORK/a" --pid-file "$LAB_WORK/a.pid" a </dev/null >"$out/a.out" 2>&1 ||
  fail "create a"
vxn create --bundle "$LAB_WORK/b" --pid-file "$LAB_WORK/b.pid" b </dev/null >"$out/b.out" 2>&1 ||
  fail "create b"
vxn start a || fail "start a"
vxn start b || fail "start b"
wait_for_text "$out/a.out" ready 300 || fail "a never printed ready"
wait_for_text "$out/b.out" ready 300 || fail "b never printed ready"
say "two containers running: $(seconds_since "$t0") s"
expect_eq "state a" "$(state_of a)" running
expect_eq "state b" "$(state_of b)" running
[ "$(xl list | grep -c '^vxn-[ab] ')" -eq 2 ] || fail "not two vxn domains: $(xl list)"
st=$(vxn state a) || fail "state a"
echo "$st" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null ||
  { command -v python3 >/dev/null && fail "state a: not JSON: $st"; }
for k in ociVersion id pid status bundle rootfs created owner annotations; do
  grep -q "\"$k\":" <<<"$st" || fail "state a lacks $k: $st"
done
expect_eq "state a: id" "$(json_field "$st" id)" a
expect_eq "state a: pid = pid file" "$(json_field "$st" pid)" "$(cat "$LAB_WORK/a.pid")"
expect_eq "state a: bundle" "$(json_field "$st" bundle)" "$LAB_WORK/a"
expect_eq "state a: rootfs" "$(json_field "$st" rootfs)" "$LAB_WORK/a/rootfs"
json_field "$st" created | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z$' ||
  fail "state a: created is not RFC3339: $st"
grep -q '"com.example.lab": *"yes"' <<<"$st" || fail "state a: annotations: $st"
vxn list >"$out/list" || fail "list"
head -n 1 "$out/list" | grep -q '^ID  *PID  *STATUS  *BUNDLE  *CREATED  *OWNER' || fail "list header: $(cat "$out/list")"
grep -Eq "^a +$(cat "$LAB_WORK/a.pid") +running +$LAB_WORK/a " "$out/list" || fail "list: a: $(cat "$out/list")"
grep -Eq "^b +$(cat "$LAB_WORK/b.pid") +running +$LAB_WORK/b " "$out/list" || fail "list: b: $(cat "$out/list")"
vxn list --format json >"$out/list.json" || fail "list --format json"
python3 - "$out/list.json" <<'PY' || fail "list --format json: $(cat "$out/list.json")"
import json, sys
l = json.load(open(sys.argv[1]))
assert sorted(c["id"] for c in l) == ["a", "b"], l
assert all(c["status"] == "running" and c["pid"] > 0 for c in l), l
PY
expect_eq "list -q" "$(vxn list -q | sort | tr '\n' ' ')" "a b "
vxn kill a KILL && vxn kill b KILL || fail "kill a/b"
wait_for_state a stopped 60 && wait_for_state b stopped 60 || fail "a/b did not stop"
st=$(vxn state a)
expect_eq "stopped: pid" "$(json_field "$st" pid)" 0
vxn delete a && vxn delete b || fail "delete a/b"
only_dom0 "after two containers"
no_loops "after two containers"

# ---- 2. hostname from the spec
make_bundle "$LAB_WORK/host" -- /bin/hostname
sed -i 's|^  "hostname": ".*",|  "hostname": "lab-guest-7",|' "$LAB_WORK/host/config.json"
grep -q '"hostname": "lab-guest-7"' "$LAB_WORK/host/config.json" || fail "hostname: config not edited"
vxn run --bundle "$LAB_WORK/host" host </dev/null >"$out/host.out" 2>"$out/host.err"
expect_eq "run host: status" "$?" 0
expect_eq "hostname" "$(cat "$out/host.out")" lab-guest-7

# ---- 3. vxn run as a one-shot: output, status, the container stays stopped
expect_eq "after run: state" "$(state_of host)" stopped
vxn delete host || fail "delete host"
make_bundle "$LAB_WORK/rm" -- /bin/sh -c 'echo bye; exit 4'
vxn run --rm --bundle "$LAB_WORK/rm" rm1 </dev/null >"$out/rm.out" 2>&1
expect_eq "run --rm: status" "$?" 4
expect_eq "run --rm: output" "$(cat "$out/rm.out")" bye
[ ! -e "$VXN_ROOT/rm1" ] || fail "run --rm left its state dir"
make_bundle "$LAB_WORK/det" -- /bin/sh -c 'trap "exit 0" TERM; echo up; while :; do sleep 0.2; done'
t0=$(now_us)
timeout 600 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" run --detach --bundle "$LAB_WORK/det" \
  --pid-file "$LAB_WORK/det.pid" det </dev/null >"$out/det.out" 2>&1
expect_eq "run --detach: status" "$?" 0
say "run --detach returned after $(seconds_since "$t0") s"
st=$(state_of det)
[ "$st" = running ] || fail "run --detach: state is $st"
wait_for_text "$out/det.out" up 300 || fail "detached container never printed up"
vxn kill det TERM || fail "kill det"
wait_for_state det stopped 60 || fail "det did not stop on TERM"
vxn delete det || fail "delete det"
only_dom0 "after run"
no_loops "after run"

# ---- 4. kill --all reaches every process in the guest, not only the first
make_bundle "$LAB_WORK/all" -- /bin/sh -c '
trap "echo main-term" TERM
sh -c "trap \"echo child-term; exit 5\" TERM; echo ready; while :; do sleep 0.1; done" &
c=$!
wait $c
wait $c
echo "child-exit=$?"
exit 3'
( vxn run --bundle "$LAB_WORK/all" all </dev/null >"$out/all.out" 2>&1; echo $? >"$out/all.status" ) &
wait_for_text "$out/all.out" ready 300 || fail "all: never printed ready"
vxn kill --all all TERM || fail "kill --all"
wait_nonempty "$out/all.status" 60
[ -s "$out/all.status" ] || { vxn kill all KILL; fail "kill --all: the container did not exit: $(cat "$out/all.out")"; }
expect_eq "kill --all: status" "$(cat "$out/all.status")" 3
grep -q child-term "$out/all.out" || fail "kill --all: the child got no TERM: $(cat "$out/all.out")"
grep -q main-term "$out/all.out" || fail "kill --all: the main process got no TERM: $(cat "$out/all.out")"
grep -q child-exit=5 "$out/all.out" || fail "kill --all: $(cat "$out/all.out")"
vxn delete all || fail "delete all"

# ---- 5. --log-format json: the error is one JSON line in --log
jlog=$LAB_WORK/err.json
"$VXN" --root "$VXN_ROOT" --log "$jlog" --log-format json kill nosuch 9 >"$out/j.out" 2>&1
expect_eq "json error: status" "$?" 1
expect_eq "json error: the bare error on stderr too (runc's fatal)" "$(cat "$out/j.out")" \
  "container does not exist"
grep -qx '{"level":"error","msg":"container does not exist","time":"[0-9T:Z-]*"}' "$jlog" ||
  fail "json error line: $(cat "$jlog")"

# ---- 6. nobody reads the container's stdout: state and kill still answer
make_bundle "$LAB_WORK/flood" -- /bin/sh -c 'echo ready >&2; yes flood-line-xxxxxxxxxxxxxxxxxxxxxxxxxxxx'
mkfifo "$LAB_WORK/stalled"
exec 7<>"$LAB_WORK/stalled"   # a reader that never reads
( vxn run --bundle "$LAB_WORK/flood" flood </dev/null >"$LAB_WORK/stalled" 2>"$out/flood.err"
  echo $? >"$out/flood.status" ) &
wait_for_text "$out/flood.err" ready 300 || fail "flood: never printed ready"
sleep 5   # the pipe, the monitor's buffer and the ring fill up
t0=$(now_us)
st=$(timeout 20 "$VXN" --root "$VXN_ROOT" state flood) || fail "state of a container with a stalled reader"
state_s=$(seconds_since "$t0")
grep -q '"status": "running"' <<<"$st" || fail "flood: state $st"
t0=$(now_us)
timeout 20 "$VXN" --root "$VXN_ROOT" kill flood KILL || fail "kill of a container with a stalled reader"
kill_s=$(seconds_since "$t0")
wait_nonempty "$out/flood.status" 120
expect_eq "flood: status" "$(cat "$out/flood.status" 2>/dev/null)" 137
say "stalled reader: state answered in $state_s s, kill in $kill_s s"
exec 7<&-
vxn delete flood || fail "delete flood"

only_dom0 "at the end"
no_loops "at the end"
[ -z "$(ls -A "$VXN_ROOT")" ] || fail "state root not empty: $(ls -A "$VXN_ROOT")"
echo "ok"
