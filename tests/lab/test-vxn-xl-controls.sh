#!/usr/bin/env bash
# Xen's own controls on a container's guest (issue 24):
#  - `xl shutdown` ends the container as `docker stop` would: SIGTERM to its
#    process, SIGKILL 10 s later (guest-init's RELAY_STOP_GRACE_MS). A sleep
#    that is PID 1 of its namespace ignores TERM -> 137 after the grace; a
#    process that traps TERM -> its own status at once; one without a PID
#    namespace dies of TERM -> 143;
#  - `xl pause` shows as paused in `vxn state`, `xl unpause` as running;
#  - `xl destroy` gives 255 (test-vxn-errors);
#  - nothing is left afterwards.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
out=$LAB_WORK/out
mkdir -p "$out"

make_bundle "$LAB_WORK/deaf" -- /bin/sh -c 'echo ready; exec sleep 1000'
make_bundle "$LAB_WORK/trap" -- /bin/sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.2; done'
make_bundle "$LAB_WORK/nons" -- /bin/sh -c 'echo ready; exec sleep 1000'
sed -i 's/{"type": "pid"}, //' "$LAB_WORK/nons/config.json"
grep -q '"type": "pid"' "$LAB_WORK/nons/config.json" && fail "could not drop the pid namespace"

# run_bg ID: `vxn run` in the background; its status lands in $out/ID.status
run_bg() {
  ( vxn run --rm --bundle "$LAB_WORK/$1" "$1" </dev/null >"$out/$1.out" 2>&1
    echo $? >"$out/$1.status" ) &
}
for id in deaf trap nons; do run_bg "$id"; done
for id in deaf trap nons; do
  wait_for_text "$out/$id.out" ready 300 || fail "$id never printed ready: $(cat "$out/$id.out")"
done

# ---- xl pause / unpause: vxn state follows
xl pause vxn-deaf || fail "xl pause"
expect_eq "state after xl pause" "$(state_of deaf)" paused
xl unpause vxn-deaf || fail "xl unpause"
expect_eq "state after xl unpause" "$(state_of deaf)" running
say "xl pause -> paused, xl unpause -> running"

# ---- xl shutdown of all three at once
t0=$(now_us)
for id in deaf trap nons; do xl shutdown "vxn-$id" || fail "xl shutdown vxn-$id"; done
wait_nonempty "$out/trap.status" 60 || fail "trap: still running after xl shutdown"
trap_s=$(seconds_since "$t0")
wait_nonempty "$out/nons.status" 60 || fail "nons: still running after xl shutdown"
wait_nonempty "$out/deaf.status" 90 || fail "deaf: still running 90 s after xl shutdown"
deaf_s=$(seconds_since "$t0")
expect_eq "xl shutdown, TERM trapped: status" "$(cat "$out/trap.status")" 7
grep -q got-term "$out/trap.out" || fail "trap: its handler did not run: $(cat "$out/trap.out")"
expect_eq "xl shutdown, no PID namespace: status" "$(cat "$out/nons.status")" 143
expect_eq "xl shutdown, PID 1 ignoring TERM: status" "$(cat "$out/deaf.status")" 137
# the grace is 10 s; under emulation a little more
awk -v s="$deaf_s" 'BEGIN { exit !(s >= 9.5) }' ||
  fail "deaf ended ${deaf_s} s after xl shutdown: before the 10 s grace"
say "xl shutdown: trapped TERM -> 7 after $trap_s s; no pid ns -> 143; TERM ignored -> 137 after $deaf_s s"
wait
only_dom0 "after xl shutdown"
no_loops "after xl shutdown"
[ -z "$(ls -A "$VXN_ROOT" 2>/dev/null)" ] || fail "state left: $(ls -A "$VXN_ROOT")"
[ "$(qemu_count)" -eq 0 ] || fail "a QEMU is left: $(pgrep -af xen-qemu)"
echo PASS
