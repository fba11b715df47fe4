#!/usr/bin/env bash
# vxn exec and ps end to end in a running container: stdout/stderr kept
# apart, exit statuses, env/cwd/user, stdin, two concurrent execs, flow
# control (a stalled reader holds back its own exec only), --detach
# with --pid-file (that process exits with the exec'd one's status, as the
# shim sees it), a missing executable, --tty through a console socket, ps
# (table from the guest, json host pids), and exec into a stopped container.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

RECV=$VXN_BUILD_DIR/tests/console-recv
[ -x "$RECV" ] || skip "console-recv not built ($RECV)"
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 (to reap a detached exec as a subreaper)"
out=$LAB_WORK/out
mkdir -p "$out"

make_bundle "$LAB_WORK/ex" --env FOO=bar -- /bin/sh -c 'echo ready; exec sleep 1000'
vxn create --bundle "$LAB_WORK/ex" --pid-file "$LAB_WORK/ex.pid" ex \
  </dev/null >"$out/ex.out" 2>"$out/ex.err" || fail "create ex"
vxn start ex || fail "start ex"
wait_for_text "$out/ex.out" ready 600 || fail "ex never printed ready"
monitor=$(cat "$LAB_WORK/ex.pid")

# ---- 1. stdout and stderr apart, exit status 4
t0=$(now_us)
vxn exec ex /bin/sh -c 'echo out; echo err >&2; exit 4' >"$out/1.out" 2>"$out/1.err"
rc=$?
say "exec round trip: $(seconds_since "$t0") s"
expect_eq "exec exit status" "$rc" 4
expect_eq "exec stdout" "$(cat "$out/1.out")" out
expect_eq "exec stderr" "$(cat "$out/1.err")" err

# ---- 2. env, cwd, user; the container's env is the default
vxn exec --env A=1 -e FOO=baz --cwd /tmp --user 1000:1000 ex \
  /bin/sh -c 'echo "$A $FOO $(pwd) $(id -u) $(id -g)"' >"$out/2.out" 2>&1 || fail "exec 2"
expect_eq "env/cwd/user" "$(cat "$out/2.out")" "1 baz /tmp 1000 1000"
expect_eq "inherited env" "$(vxn exec ex /bin/sh -c 'echo $FOO' 2>&1)" bar

# ---- 3. stdin with EOF
expect_eq "stdin" "$(printf 'hello\nworld\n' | vxn exec ex /bin/cat 2>&1)" "$(printf 'hello\nworld')"

# ---- 4. two at once
vxn exec ex /bin/sh -c 'sleep 3; echo one; exit 1' >"$out/c1" 2>&1 &
p1=$!
vxn exec ex /bin/sh -c 'sleep 1; echo two; exit 2' >"$out/c2" 2>&1 &
p2=$!
wait "$p1"; s1=$?
wait "$p2"; s2=$?
expect_eq "concurrent exec 1" "$s1:$(cat "$out/c1")" "1:one"
expect_eq "concurrent exec 2" "$s2:$(cat "$out/c2")" "2:two"

# ---- 4b. flow control (vxn-proto.h): 3 MB through stdin; an exec whose
# reader stalls holds back its own process only: another exec still runs at
# once, and the stalled one loses nothing once its reader reads
expect_eq "3 MB through exec's stdin" \
  "$(head -c 3000000 /dev/zero | vxn exec ex /bin/sh -c 'wc -c' 2>&1 | tr -d ' ')" 3000000
# both ways at once: cat writes before it reads on, so the client must take
# its output while the monitor holds its stdin back (a client blocked in
# send once left both sides waiting for ever)
expect_eq "3 MB through exec's stdin and back out" \
  "$(head -c 3000000 /dev/zero | timeout 300 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" \
     exec ex /bin/cat 2>&1 | wc -c | tr -d ' ')" 3000000
mkfifo "$out/slow.fifo"
( exec 3<"$out/slow.fifo"; sleep 15; wc -c <&3 >"$out/slow.count" ) &
reader=$!
vxn exec ex /bin/sh -c 'head -c 3000000 /dev/zero' >"$out/slow.fifo" 2>"$out/slow.err" &
writer=$!
sleep 3
t0=$(now_us)
expect_eq "an exec while another's reader stalls" "$(vxn exec ex echo quick 2>&1)" quick
quick_s=$(seconds_since "$t0")
say "exec round trip while another exec's reader is stalled: $quick_s s"
# without per-stream flow control the monitor blocked on the stalled client
# for 10 s and then dropped it
[ "${quick_s%%.*}" -lt 6 ] || fail "an exec took $quick_s s while another exec's reader stalled"
wait "$writer"
expect_eq "the stalled exec's status" "$?" 0
wait "$reader"
expect_eq "the stalled exec's output, all of it" "$(tr -d ' ' <"$out/slow.count")" 3000000

# ---- 5. ps: the guest's processes; json host pids
vxn ps ex >"$out/ps" || fail "ps"
grep -q '^PID  *USER  *CMD' "$out/ps" || fail "ps table header: $(cat "$out/ps")"
grep -Eq '^[0-9]+ +root +sleep 1000$' "$out/ps" || fail "ps does not show sleep 1000: $(cat "$out/ps")"
expect_eq "ps json" "$(vxn ps --format json ex)" "[$monitor]"

# ---- 6. --detach --pid-file: the pid-file process lives as long as the
# exec'd process and exits with its status (reaped as a subreaper would)
cat >"$LAB_WORK/reap.py" <<'PY'
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
r, w = os.pipe()  # the exec'd process waits for a line: it outlives `vxn ps`
rc = subprocess.call(sys.argv[2:], stdin=r, stdout=open(sys.argv[1] + ".out", "w"))
os.close(r)
pid = int(open(sys.argv[1]).read())
print(rc, pid, flush=True)
open(sys.argv[1] + ".alive", "w").write(str(os.path.exists("/proc/%d" % pid)))
os.system(os.environ["PSJSON"] + " > " + sys.argv[1] + ".json")
os.write(w, b"go\n")
os.close(w)
_, st = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(st))
PY
PSJSON="$VXN --root $VXN_ROOT --log $VXN_LOG ps --format json ex" \
/usr/bin/python3 "$LAB_WORK/reap.py" "$LAB_WORK/d.pid" "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" \
  exec --detach --pid-file "$LAB_WORK/d.pid" ex /bin/sh -c 'read x; echo "detached $x"; exit 6' \
  >"$out/6.py" 2>"$out/6.err" </dev/null || fail "reaper: $(cat "$out/6.err")"
read -r rc dpid <"$out/6.py"
expect_eq "exec --detach exit" "$rc" 0
expect_eq "detached process alive after exec returned" "$(cat "$LAB_WORK/d.pid.alive")" True
expect_eq "ps json with a detached exec" "$(cat "$LAB_WORK/d.pid.json")" "[$monitor,$dpid]"
expect_eq "pid-file process status" "$(sed -n 2p "$out/6.py")" 6
expect_eq "detached output" "$(cat "$LAB_WORK/d.pid.out")" "detached go"

# ---- 7. a missing executable: 127 and runc's message
vxn exec ex nope-not-here >/dev/null 2>&1
expect_eq "missing executable" "$?" 127
grep -q 'executable file not found' "$VXN_LOG" || fail "no message for a missing executable"

# ---- 8. --tty through a console socket: interactive sh, exit 5
sock=$LAB_WORK/exec-console.sock
"$RECV" "$sock" 5 >"$out/recv.out" 2>"$out/recv.err" &
recv=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
vxn exec --tty --console-socket "$sock" ex /bin/sh </dev/null >"$out/8.out" 2>&1
rc=$?
wait "$recv" || { cat "$out/recv.out" "$out/recv.err"; fail "console receiver of exec --tty"; }
say "exec --tty receiver: $(tr '\n' ';' <"$out/recv.out")"
expect_eq "exec --tty exit status" "$rc" 5
vxn exec --detach --tty ex /bin/sh </dev/null >/dev/null 2>&1 &&
  fail "exec --detach --tty without a console socket succeeded"

# ---- 9. the main process still runs; after it is killed, exec is refused
expect_eq "state" "$(state_of ex)" running
vxn kill ex KILL || fail "kill ex"
wait_for_state ex stopped 120 || fail "ex did not stop"
vxn exec ex /bin/true 2>/dev/null && fail "exec into a stopped container succeeded"
grep -q 'cannot exec in a stopped container' "$VXN_LOG" || fail "no runc message for a stopped container"
vxn delete ex || fail "delete ex"
echo "ok"
