#!/usr/bin/env bash
# A compromised guest (issue 24): tests/lab/hostile-init.c as the guest's
# /init, misbehaving on the channel as its args[0] says. Under each: the
# monitor's memory stays bounded (MONITOR_RSS_MAX_KB, its VmHWM) and its
# CPU is measured; a protocol error ends the container (status 255) by
# itself; otherwise `vxn kill` ends it within seconds (also after it
# rewrote every xenstore key it may write); delete leaves
# nothing; the monitor's log and the console log stay bounded; and dom0
# holds no more event channels, xenstore nodes, loop devices, processes or
# open files afterwards than before.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
out=$LAB_WORK/out
mkdir -p "$out"
HOSTILE=$VXN_BUILD_DIR/blobs/hostile-initramfs.cpio
[ -r "$HOSTILE" ] || skip "hostile-initramfs.cpio not built ($HOSTILE)"
# a plain guest first: the first guest of a boot leaves xenstore's backend
# directories behind (libxl's, empty), which are no leak of anybody's
make_bundle "$LAB_WORK/warm" -- /bin/true
VXN_CONFIG=$(conf_with plain rootfs=disk) vxn run --rm --bundle "$LAB_WORK/warm" warm \
  </dev/null >/dev/null 2>&1 || fail "a plain guest before the hostile ones"
VXN_CONFIG=$(conf_with hostile "initramfs=$HOSTILE" rootfs=disk)
# the monitor maps 1.25 MiB of rings and keeps two 1 MiB output buffers
MONITOR_RSS_MAX_KB=16384
CONSOLE_LOG_MAX=$((1024 * 1024 + 4096))

# figures PID: "VmHWM kB" and the CPU seconds it has used, as "KB SECONDS"
figures() {
  local hwm ticks
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
  ticks=$(awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null)
  echo "${hwm:-0} $(awk -v t="${ticks:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')"
}

# up NAME: a hostile guest doing NAME, created and started; its monitor's
# pid in MONITOR_PID. (args[0] must exist in the root for create: the
# guest reads its last argument.)
up() {
  make_bundle "$LAB_WORK/$1" -- /bin/sh "$1"
  vxn create --bundle "$LAB_WORK/$1" --pid-file "$LAB_WORK/$1.pid" "$1" \
    </dev/null >/dev/null 2>"$out/$1.err" || fail "$1: create: $(cat "$out/$1.err")"
  # start waits for the process's start report, which silent never sends
  ( vxn start "$1" >"$out/$1.start" 2>&1; echo $? >"$out/$1.start-status" ) \
    </dev/null >/dev/null 2>&1 &
  MONITOR_PID=$(cat "$LAB_WORK/$1.pid")
}

# ends_itself NAME: a protocol error: stopped within 60 s, status 255
ends_itself() {
  wait_for_state "$1" stopped 60 || fail "$1: still $(state_of "$1") 60 s after starting"
  expect_eq "$1: exit status" "$(cat "$VXN_ROOT/$1/exit-status" 2>/dev/null)" 255
  grep -Eq "container $1: (protocol error|malformed frame) from the guest" "$VXN_LOG" ||
    fail "$1: no protocol error logged"
  say "$1: protocol error, stopped with 255"
}

# killed NAME: vxn kill KILL ends it within 10 s
killed() {
  local t0
  t0=$(now_us)
  vxn kill "$1" KILL || fail "$1: kill"
  wait_for_state "$1" stopped 10 || fail "$1: still $(state_of "$1") 10 s after kill"
  say "$1: ended by kill in $(seconds_since "$t0") s"
}

# gone NAME: delete leaves nothing of it (its domain, its state; when no
# other hostile guest runs, no domain and no loop device at all)
gone() {
  vxn delete --force "$1" || fail "$1: delete --force"
  wait_nonempty "$out/$1.start-status" 30 || fail "$1: start still waiting after delete"
  ! xl list | grep -q "^vxn-$1 " || fail "$1: its domain is left"
  [ ! -e "$VXN_ROOT/$1" ] || fail "$1: state dir left"
  if [ -z "$(ls -A "$VXN_ROOT")" ]; then
    only_dom0 "$1"
    no_loops "$1"
  fi
}

# bounded NAME PID SECONDS: after SECONDS of misbehaviour, the monitor's
# memory within the bound; its CPU over that time said
bounded() {
  local f0 f1
  f0=$(figures "$2")
  sleep "$3"
  f1=$(figures "$2")
  [ -d "/proc/$2" ] || fail "$1: the monitor died"
  set -- "$1" "$2" "$3" $f0 $f1
  [ "$6" -le "$MONITOR_RSS_MAX_KB" ] || fail "$1: monitor VmHWM $6 kB > $MONITOR_RSS_MAX_KB kB"
  say "$1: monitor VmHWM $6 kB, CPU $(awk -v a="$5" -v b="$7" -v s="$3" 'BEGIN { printf "%.0f%%", (b - a) * 100 / s }') of a core over $3 s"
}

c0=$(dom0_counts) f0=$(files_open)
say "before: $c0 files=$f0"

# ---- the guest breaks the protocol: the monitor ends it by itself
# (flood: stdout frames that never wait for credit go past the window)
for what in oversize garbage exit-twice flood; do up "$what"; done
for what in oversize garbage exit-twice flood; do
  ends_itself "$what"
  gone "$what"
done
grep -q "container flood: the guest sent output past its window" "$VXN_LOG" ||
  fail "flood: ended, but not for going past its window"

# ---- lies in a ps reply: ps fails with one line; the container still
# answers kill
up lies
wait_for_state lies running 120 || fail "lies: never running"
# the monitor answers "not up yet" until the guest said hello
ps_reached_guest() {
  timeout 30 "$VXN" --root "$VXN_ROOT" ps lies >"$out/ps" 2>&1
  rc=$?
  ! grep -q "not up yet" "$out/ps"
}
wait_until 120 ps_reached_guest || fail "lies: the guest never said hello"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "lies: ps exited $rc: $(cat "$out/ps")"
[ "$(wc -l < "$out/ps")" -eq 1 ] || fail "lies: ps said more than one line: $(cat "$out/ps")"
say "lies: vxn ps exited $rc: $(head -n 1 "$out/ps")"
killed lies
gone lies

# endures NAME SECONDS [CHECK...]: a guest misbehaving without breaking the
# protocol runs on: after SECONDS of it the monitor is bounded, CHECK (if
# any) holds, kill ends it and delete leaves nothing
endures() {
  local name=$1 secs=$2
  shift 2
  up "$name"
  wait_for_state "$name" running 120 || fail "$name: never running"
  bounded "$name" "$MONITOR_PID" "$secs"
  [ $# -eq 0 ] || "$@"
  killed "$name"
  gone "$name"
}
few_logged() {
  local logged
  logged=$(grep -c 'hostile error report' "$VXN_LOG")
  [ "$logged" -le 8 ] || fail "errors: $logged error reports logged, want at most 8"
  say "errors: 10000 error reports sent, $logged logged"
}
console_capped() {
  local log=$VXN_ROOT/console/console.log size end=$((SECONDS + 120))
  # until the guest is done or the log is at its cap
  while ! grep -qs "console flood done" "$log" &&
        [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -lt $((1024 * 1024)) ] &&
        [ "$SECONDS" -lt "$end" ]; do
    sleep 0.5
  done
  sleep 2  # and a little more: it must not grow past the cap
  size=$(stat -c %s "$log")
  [ "$size" -le "$CONSOLE_LOG_MAX" ] || fail "console: console.log is $size bytes"
  say "console: 16 MiB written to the console, console.log $size bytes"
}

# the xenstore guest's report: it never wrote a key outside its home, dom0's
# keys are as they were, and the container still answers vxn state
xs_report() {
  local log=$VXN_ROOT/xenstore/console.log line
  wait_until 120 grep -qs "hostile: xenstore:" "$log" || fail "xenstore: the guest never reported"
  line=$(grep -m 1 -o "hostile: xenstore:.*" "$log")
  say "$line"
  echo "$line" | grep -q ", 0 of [0-9]* outside written" || fail "xenstore: a key outside its home was written"
  expect_eq "xenstore: dom0's name" "$(xenstore-read /local/domain/0/name)" Domain-0
  expect_eq "xenstore: the container's state" "$(state_of xenstore)" running
}

# ---- floods of error reports, of console lines; half a frame and then
# nothing; every xenstore key the guest may write rewritten
endures errors 4 few_logged
endures console 2 console_capped
endures truncated 3
endures xenstore 3 xs_report

# ---- no hello at all: delete works while start waits
up silent
sleep 5
t0=$(now_us)
gone silent
say "silent: delete --force while start waited for it: $(seconds_since "$t0") s; start said: $(head -c 200 "$out/silent.start")"

same_dom0_counts "after the hostile guests" "$c0"
files_back "after the hostile guests" "$f0"
say "after: $(dom0_counts) files=$(files_open)"
echo PASS
