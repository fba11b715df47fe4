#!/usr/bin/env bash
# Terminal mode end to end: create hands a pty master to --console-socket
# (tests/lab/console-recv.c receives it, as containerd's shim would) and the
# receiver drives an interactive sh in the guest: output, a resize that
# `stty size` sees, ^C interrupting the foreground process, `exit 5` -> 5.
# create's stdout reaches EOF when create exits (containerd's shim waits for it).
# Terminal mode without --console-socket fails and leaves nothing behind.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

RECV=$VXN_BUILD_DIR/tests/console-recv
[ -x "$RECV" ] || skip "console-recv not built ($RECV)"
out=$LAB_WORK/out
mkdir -p "$out"

make_bundle "$LAB_WORK/tty" -- /bin/sh
sed -i 's/"terminal": false/"terminal": true/' "$LAB_WORK/tty/config.json"
grep -q '"terminal": true' "$LAB_WORK/tty/config.json" || fail "could not set process.terminal"

# ---- 1. terminal mode without a console socket: a clear error, nothing left
vxn create --bundle "$LAB_WORK/tty" notty </dev/null >/dev/null 2>&1 &&
  fail "create of a terminal container without --console-socket succeeded"
grep -q -- '--console-socket is required' "$VXN_LOG" || fail "no message about --console-socket"
[ ! -e "$VXN_ROOT/notty" ] || fail "failed create left $VXN_ROOT/notty"

# ---- 2. an interactive sh through the console socket
sock=$LAB_WORK/console.sock
"$RECV" "$sock" 5 console >"$out/recv.out" 2>"$out/recv.err" &
recv=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
t0=$(now_us)
# create's stdout into a pipe read to EOF, as containerd's shim does in
# terminal mode: the monitor left behind must not hold it open.
vxn create --bundle "$LAB_WORK/tty" --console-socket "$sock" --pid-file "$LAB_WORK/tty.pid" tty \
  </dev/null 2>"$out/create.err" | timeout 60 cat >"$out/create.out"
rcs=("${PIPESTATUS[@]}")
[ "${rcs[0]}" -eq 0 ] || fail "create with a console socket"
[ "${rcs[1]}" -eq 0 ] || fail "create's stdout still open 60 s after create exited (the monitor holds it)"
vxn start tty || fail "start tty"
wait "$recv"
rc=$?
say "receiver: $(tr '\n' ';' <"$out/recv.out") (exit $rc, $(seconds_since "$t0") s)"
[ "$rc" -eq 0 ] || { cat "$out/recv.err"; fail "console receiver steps failed"; }
wait_for_state tty stopped 120 || fail "tty did not stop"
expect_eq "exit status of the interactive sh" "$(cat "$VXN_ROOT/tty/exit-status")" 5
[ ! -s "$out/create.out" ] || fail "terminal mode wrote to create's stdout"
vxn delete tty || fail "delete tty"
echo "ok"
