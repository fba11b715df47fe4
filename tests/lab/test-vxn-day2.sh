#!/usr/bin/env bash
# vxn's day-2 verbs on real Xen: pause/resume (state "paused", a signal to a
# paused container is queued until resume, KILL destroys it at once),
# update of memory and vcpus within the maximum set at create (annotations
# org.xenproject.vxn.max-memory / max-vcpus) and refused beyond it, events
# (--stats once, and a stream that ends with the container), features.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

out=$LAB_WORK/out
mkdir -p "$out"
domid_of() { xl domid "vxn-$1"; }
# fails_with NAME PATTERN -- vxn args: exit 1 and the message on stderr
fails_with() {
  local name=$1 pattern=$2
  shift 3
  "$VXN" --root "$VXN_ROOT" "$@" >"$out/f.out" 2>"$out/f.err"
  [ $? -eq 1 ] && grep -q -- "$pattern" "$out/f.err" || fail "$name: $(cat "$out/f.err")"
}

# traps TERM: as its PID namespace's init it would ignore TERM otherwise
make_bundle "$LAB_WORK/d" -- /bin/sh -c 'trap "exit 9" TERM; echo ready; while :; do sleep 0.2; done'
sed -i 's|^  "ociVersion": "1.0.2",|&\n  "annotations": {"org.xenproject.vxn.max-memory": "128", "org.xenproject.vxn.max-vcpus": "2"},|' \
  "$LAB_WORK/d/config.json"

# ---- pause, a queued TERM, resume
( vxn run --bundle "$LAB_WORK/d" d1 </dev/null >"$out/d1.out" 2>&1; echo $? >"$out/d1.status" ) &
wait_for_text "$out/d1.out" ready 300 || fail "d1 never printed ready"
fails_with "resume of a running container" "container not paused" -- resume d1
vxn pause d1 || fail "pause d1"
expect_eq "state after pause" "$(state_of d1)" paused
xl list | grep "^vxn-d1 " | grep -q 'p' || fail "pause: xl list does not show it paused: $(xl list)"
fails_with "pause of a paused container" "is paused" -- pause d1
vxn kill d1 TERM || fail "kill TERM of a paused container"
sleep 3
expect_eq "a TERM waits while paused" "$(state_of d1)" paused
[ ! -e "$out/d1.status" ] || fail "d1 exited while paused"
vxn resume d1 || fail "resume d1"
wait_nonempty "$out/d1.status" 120
expect_eq "queued TERM delivered on resume (trapped: 9)" "$(cat "$out/d1.status" 2>/dev/null)" 9
fails_with "pause of a stopped container" "container not running" -- pause d1
vxn delete d1 || fail "delete d1"
say "pause/resume: paused state, TERM queued until resume (trapped: 9)"

# ---- KILL on a paused container destroys it
( vxn run --bundle "$LAB_WORK/d" d2 </dev/null >"$out/d2.out" 2>&1; echo $? >"$out/d2.status" ) &
wait_for_text "$out/d2.out" ready 300 || fail "d2 never printed ready"
vxn pause d2 || fail "pause d2"
t0=$(now_us)
vxn kill d2 KILL || fail "kill KILL of a paused container"
wait_nonempty "$out/d2.status" 120
expect_eq "KILL of a paused container" "$(cat "$out/d2.status" 2>/dev/null)" 137
say "KILL of a paused container: gone in $(seconds_since "$t0") s"
vxn delete d2 || fail "delete d2"

# ---- update within the maximum, refused beyond it; events
vxn create --bundle "$LAB_WORK/d" d3 </dev/null >"$out/d3.out" 2>&1 || fail "create d3"
vxn start d3 || fail "start d3"
wait_for_text "$out/d3.out" ready 300 || fail "d3 never printed ready"
dom=$(domid_of d3)
ev=$(vxn events --stats d3) || fail "events --stats"
python3 - "$ev" <<'PY' || fail "events --stats: $ev"
import json, sys
e = json.loads(sys.argv[1])
assert e["type"] == "stats" and e["id"] == "d3", e
d = e["data"]
assert d["cpu"]["usage"]["total"] > 0, d
assert d["memory"]["usage"]["usage"] > 0 and d["memory"]["usage"]["limit"] > 0, d
assert d["xen"]["vcpus_online"] == 1 and d["xen"]["vcpus_max"] == 2, d
assert d["xen"]["status"] == "running", d
# the guest's own view, from guest-init: sh and sleep... at least the one process
g = d["guest"]
assert d["pids"]["current"] >= 1 and g["processes"] == d["pids"]["current"], d
assert g["cpus_online"] == 1, d
assert 0 < g["memory_available_kib"] <= g["memory_total_kib"] <= 64 * 1024, d
assert 0 < g["memory_free_kib"] <= g["memory_total_kib"], d
PY
say "events --stats: $ev"
# the guest's own view, read through exec: its balloon driver and CPU hotplug
# must follow what update asks of Xen (Xen's target alone proves nothing)
guest_memtotal() { "$VXN" --root "$VXN_ROOT" exec d3 cat /proc/meminfo 2>/dev/null | awk '/^MemTotal:/ {print $2}'; }
guest_cpus() { "$VXN" --root "$VXN_ROOT" exec d3 cat /sys/devices/system/cpu/online 2>/dev/null; }
# wait_guest WHAT SECONDS TEST-COMMAND...: the guest catches up asynchronously
wait_guest() {
  local what=$1 secs=$2
  shift 2
  for ((i = 0; i < secs; i++)); do "$@" && return 0; sleep 1; done
  fail "$what: the guest did not follow within $secs s (MemTotal $(guest_memtotal) KiB, cpus $(guest_cpus))"
}
mem_at_least() { local m; m=$(guest_memtotal); [ -n "$m" ] && [ "$m" -ge "$1" ]; }
cpus_are() { [ "$(guest_cpus)" = "$1" ]; }
m0=$(guest_memtotal)
[ -n "$m0" ] || fail "cannot read the guest's MemTotal"
expect_eq "guest cpus online at create" "$(guest_cpus)" 0
vxn update --memory 96m d3 || fail "update --memory 96m"
expect_eq "memory target after update" "$(xenstore-read "/local/domain/$dom/memory/target")" $((96 * 1024))
# the balloon hands back exactly the pages Xen allows: 32 MiB more (1 MiB slack)
wait_guest "guest MemTotal after update --memory 96m" 60 mem_at_least $((m0 + 31 * 1024))
say "guest MemTotal: $m0 KiB at 64 MiB, $(guest_memtotal) KiB after update --memory 96m"
fails_with "update beyond max-memory" "more than the 128 MiB the guest was created with" -- update --memory 1g d3
echo '{"memory": {"limit": 134217728, "swap": 0}, "cpu": {"shares": 1024, "quota": 200000, "period": 100000}, "pids": {"limit": 100}}' |
  vxn update --resources - d3 || fail "update --resources -"
expect_eq "memory target from --resources" "$(xenstore-read "/local/domain/$dom/memory/target")" $((128 * 1024))
expect_eq "vcpu 1 online" "$(xenstore-read "/local/domain/$dom/cpu/1/availability")" online
# 64 MiB more, less what the guest took from its balloon to map the channel's
# rings into (1.25 MiB: VXN_RING_OUT_BYTES + VXN_RING_IN_BYTES + a page)
wait_guest "guest MemTotal after --resources 128 MiB" 60 mem_at_least $((m0 + 62 * 1024))
wait_guest "guest cpus after --resources with 2 cpus" 60 cpus_are 0-1
vxn update --cpus 1 d3 || fail "update --cpus 1"
expect_eq "vcpu 1 offline" "$(xenstore-read "/local/domain/$dom/cpu/1/availability")" offline
wait_guest "guest cpus after update --cpus 1" 60 cpus_are 0
vxn update --memory 64m d3 || fail "update --memory 64m"
wait_guest "guest MemTotal back at 64 MiB" 60 eval '[ "$(guest_memtotal)" -le $((m0 + 1024)) ]'
say "guest view follows update: MemTotal $m0 -> +64 MiB -> $(guest_memtotal) KiB, cpus 0 -> 0-1 -> 0"
fails_with "update beyond max-vcpus" "at most 2" -- update --cpus 3 d3
# events as a stream: ends (exit 0) when the container stops
( "$VXN" --root "$VXN_ROOT" events --interval 500ms d3 >"$out/ev.stream" 2>"$out/ev.err"
  echo $? >"$out/ev.status" ) &
sleep 3
vxn kill d3 KILL || fail "kill d3"
wait_nonempty "$out/ev.status" 60
expect_eq "events stream ends with the container" "$(cat "$out/ev.status" 2>/dev/null)" 0
n=$(grep -c '^{"type":"stats","id":"d3",' "$out/ev.stream")
[ "$n" -ge 2 ] || fail "events stream: $n stats lines: $(cat "$out/ev.stream" "$out/ev.err")"
say "events stream: $n lines before the container stopped"
vxn delete d3 || fail "delete d3"

# ---- features: the verbs this binary has
vxn features > "$out/features" || fail "features"
grep -q '"org.xenproject.vxn.commands": ".*pause,resume,update,events' "$out/features" ||
  fail "features: $(cat "$out/features")"
only_dom0 "at the end"
[ -z "$(ls -A "$VXN_ROOT")" ] || fail "state root not empty: $(ls -A "$VXN_ROOT")"
echo "ok"
