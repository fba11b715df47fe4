#!/usr/bin/env bash
# vxn end to end on real Xen with a busybox bundle: stdout/stderr kept apart,
# env, cwd, uid, stdin, exit codes, signals (TERM -> 143 for a process that
# is not a PID namespace's init, trapped TERM -> 7, KILL -> 137; a namespace
# init ignoring TERM: test-vxn-pidns), created -> running -> stopped, a 250-character ID, and that
# delete and failed creates leave nothing behind (no domain, no loop device,
# no state dir).
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

out=$LAB_WORK/out
mkdir -p "$out"

# ---- 1. stdio, env, cwd, uid, stdin, exit 3; state transitions via create/start
make_bundle "$LAB_WORK/io" --cwd /tmp --uid 1000 --gid 1000 --env FOO=bar -- \
  /bin/sh -c 'echo out; echo err >&2; echo "FOO=$FOO"; pwd; id -u; id -g; cat; exit 3'
t0=$(now_us)
echo hello-stdin | vxn create --bundle "$LAB_WORK/io" --pid-file "$LAB_WORK/io.pid" io \
  >"$out/io.out" 2>"$out/io.err" || fail "create io exited $?"
say "create: $(seconds_since "$t0") s"
expect_eq "state after create" "$(state_of io)" created
[ -s "$LAB_WORK/io.pid" ] || fail "no pid file"
monitor=$(cat "$LAB_WORK/io.pid")
[ -d "/proc/$monitor" ] || fail "monitor $monitor not running"
[ ! -s "$out/io.out" ] && [ ! -s "$out/io.err" ] || fail "create wrote to the container's stdio"
t0=$(now_us)
vxn start io || fail "start io"
st=$(state_of io)
[ "$st" = running ] || [ "$st" = stopped ] || fail "state after start: $st"
wait_for_state io stopped 300 || fail "io did not stop within 300 s"
say "start to stopped: $(seconds_since "$t0") s"
expect_eq "stdout" "$(cat "$out/io.out")" "$(printf 'out\nFOO=bar\n/tmp\n1000\n1000\nhello-stdin')"
expect_eq "stderr" "$(cat "$out/io.err")" "err"
expect_eq "exit-status" "$(cat "$VXN_ROOT/io/exit-status")" 3
vxn delete io || fail "delete io"
[ ! -e "$VXN_ROOT/io" ] || fail "state dir left after delete"
vxn state io >/dev/null 2>&1 && fail "state of a deleted container succeeded"
only_dom0 "after delete"
no_loops "after delete"

# ---- 1b. 3 MB through the container's stdin and back out, byte for byte:
# cat writes before it reads on, so its stdin waits on the window guest-init
# gives back while its output flows (monitor_stdio.c, guest-init/relay.c)
head -c 3000000 /dev/urandom >"$out/big.in"
make_bundle "$LAB_WORK/big" -- /bin/cat
t0=$(now_us)
timeout 600 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" run --bundle "$LAB_WORK/big" big \
  <"$out/big.in" >"$out/big.out" 2>"$out/big.err" || fail "run big exited $?: $(cat "$out/big.err")"
say "3 MB through stdin and stdout: $(seconds_since "$t0") s"
cmp -s "$out/big.in" "$out/big.out" ||
  fail "3 MB through the container's stdin: $(wc -c <"$out/big.out") bytes came back, not the same"
vxn delete big || fail "delete big"

# ---- 2. wait statuses through `vxn run` (the monitor is its child)
run_bg() {  # run_bg ID: vxn run in the background, its status in $out/ID.status
  local id=$1
  ( vxn run --bundle "$LAB_WORK/$id" "$id" </dev/null >"$out/$id.out" 2>"$out/$id.err"
    echo $? >"$out/$id.status" ) &
}
make_bundle "$LAB_WORK/zero" -- /bin/true
make_bundle "$LAB_WORK/term" -- /bin/sh -c 'echo ready; exec sleep 1000'
# no pid namespace: the process stays a child of guest-init, which the
# kernel lets TERM kill (in a namespace of its own it would ignore it)
sed -i 's/{"type": "pid"}, //' "$LAB_WORK/term/config.json"
grep -q '"pid"' "$LAB_WORK/term/config.json" && fail "term: the pid namespace is still in the spec"
make_bundle "$LAB_WORK/trap" -- /bin/sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.2; done'
make_bundle "$LAB_WORK/kill" -- /bin/sh -c 'echo ready; exec sleep 1000'
t0=$(now_us)
for id in zero term trap kill; do run_bg "$id"; done
for id in term trap kill; do
  wait_for_text "$out/$id.out" ready 600 || fail "$id never printed ready"
done
say "four containers up: $(seconds_since "$t0") s"
vxn kill term TERM || fail "kill term TERM"
vxn kill trap 15 || fail "kill trap 15"
vxn kill kill KILL || fail "kill kill KILL"
wait
expect_eq "exit of /bin/true" "$(cat "$out/zero.status")" 0
expect_eq "TERM without a pid namespace" "$(cat "$out/term.status")" 143
expect_eq "trapped TERM" "$(cat "$out/trap.status")" 7
expect_eq "KILL" "$(cat "$out/kill.status")" 137
vxn kill kill 9 2>/dev/null && fail "kill of a stopped container succeeded"
grep -q "container not running" "$VXN_LOG" || fail "kill of a stopped container: no 'container not running'"
for id in zero term trap kill; do vxn delete "$id" || fail "delete $id"; done
only_dom0 "after the signal tests"
no_loops "after the signal tests"

# ---- 3. bad input leaves nothing behind
make_bundle "$LAB_WORK/bad" -- /bin/true
rm -rf "$LAB_WORK/bad/rootfs"
vxn create --bundle "$LAB_WORK/bad" bad 2>/dev/null && fail "create without rootfs succeeded"
[ ! -e "$VXN_ROOT/bad" ] || fail "failed create left $VXN_ROOT/bad"
make_bundle "$LAB_WORK/nope" -- nope-not-here
vxn create --bundle "$LAB_WORK/nope" nope 2>/dev/null && fail "create of a missing executable succeeded"
grep -q 'executable file not found' "$VXN_LOG" || fail "no runc-like message for a missing executable"
[ ! -e "$VXN_ROOT/nope" ] || fail "failed create left $VXN_ROOT/nope"
make_bundle "$LAB_WORK/dup" -- /bin/sh -c 'exit 0'
vxn create --bundle "$LAB_WORK/dup" dup </dev/null >/dev/null 2>&1 || fail "create dup"
vxn create --bundle "$LAB_WORK/dup" dup </dev/null >/dev/null 2>&1 && fail "duplicate create succeeded"
grep -q 'container with id exists: dup' "$VXN_LOG" || fail "no message for a duplicate ID"
expect_eq "first dup survives the second create" "$(state_of dup)" created
vxn delete dup 2>/dev/null && fail "delete of a created container without --force succeeded"
vxn delete --force dup || fail "delete --force dup"
vxn delete dup 2>/dev/null && fail "delete of an unknown container succeeded"
grep -q "container does not exist" "$VXN_LOG" || fail "delete unknown: no 'container does not exist'"
only_dom0 "after the bad-input tests"
no_loops "after the bad-input tests"

# ---- 4. a long ID (the state dir's name caps it at 255 characters; the
# domain is vxn-ID cut short with a hash of the ID, since libxl names QEMU's
# log file after the domain: its root is shared, so it has a QEMU)
long_id=$(printf 'L%.0s' $(seq 1 250))
make_bundle "$LAB_WORK/long" -- /bin/sh -c 'echo long-id-ok'
vxn run --rm --bundle "$LAB_WORK/long" "$long_id" </dev/null >"$out/long.out" 2>"$out/long.err" ||
  fail "run with a 250-character ID: $(cat "$out/long.err")"
expect_eq "stdout with a long ID" "$(cat "$out/long.out")" long-id-ok
only_dom0 "after the long ID"
no_loops "after the long ID"
[ -z "$(ls -A "$VXN_ROOT")" ] || fail "state root not empty: $(ls -A "$VXN_ROOT")"
echo "ok"
