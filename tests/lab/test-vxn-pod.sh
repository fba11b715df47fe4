#!/usr/bin/env bash
# A Kubernetes pod as containerd's CRI hands it to vxn, by hand: a sandbox
# container (annotation io.kubernetes.cri.container-type=sandbox) boots the
# pod's one guest; app containers (type container, same sandbox-id) run in
# that guest with their own roots, mounts and PID namespaces, reach each
# other on localhost and share a volume; exec reaches an app container's
# namespaces; a container's memory and CPU limits hold in a cgroup of its
# own in the guest; kill, delete and the sandbox's end leave nothing behind.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

out=$LAB_WORK/out
mkdir -p "$out" "$LAB_WORK/emptydir"
RECV=$VXN_BUILD_DIR/tests/console-recv
[ -x "$RECV" ] || skip "console-recv not built ($RECV)"

# pod_bundle DIR TYPE: the CRI's annotations, and a volume at /shared
pod_bundle() {
  python3 - "$1/config.json" "$2" "$LAB_WORK/emptydir" <<'PY' || fail "editing $1/config.json"
import json, sys
path, kind, vol = sys.argv[1:]
c = json.load(open(path))
c.setdefault("annotations", {}).update({
    "io.kubernetes.cri.container-type": kind,
    "io.kubernetes.cri.sandbox-id": "pod1"})
if kind == "sandbox":  # the kubelet's sum of its containers' limits: 128 MiB
    c["annotations"]["io.kubernetes.cri.sandbox-memory"] = str(128 << 20)
c["mounts"].append({"destination": "/shared", "type": "bind", "source": vol,
                    "options": ["rbind", "rw"]})
json.dump(c, open(path, "w"), indent=1)
PY
}

# ---- 1. the sandbox boots the pod's guest
make_bundle "$LAB_WORK/pod1" -- /bin/sh -c 'echo sandbox-up; exec sleep 100000'
pod_bundle "$LAB_WORK/pod1" sandbox
t0=$(now_us)
timeout 300 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" --debug create --bundle "$LAB_WORK/pod1" \
  --pid-file "$LAB_WORK/pod1.pid" pod1 </dev/null >"$out/pod1.out" 2>&1 ||
  fail "create the sandbox: $(tail -n 3 "$VXN_LOG")"
timeout 120 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" --debug start pod1 || fail "start the sandbox"
wait_for_text "$out/pod1.out" sandbox-up 300 || fail "the sandbox never came up"
say "sandbox up: $(seconds_since "$t0") s"

# ---- 2. an app container in the pod's guest: created, then started
make_bundle "$LAB_WORK/app1" -- /bin/sh -c \
  'echo "app1 pid $$"; echo app1-err >&2; echo from-app1 >/shared/x; echo pong | nc -l -p 8080; exec sleep 100000'
pod_bundle "$LAB_WORK/app1" container
echo app1-only >"$LAB_WORK/app1/rootfs/marker"
t0=$(now_us)
( timeout 600 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" --debug run --bundle "$LAB_WORK/app1" --pid-file "$LAB_WORK/app1.pid" app1 </dev/null \
    >"$out/app1.out" 2>"$out/app1.err"; echo $? >"$out/app1.status" ) &
wait_for_text "$out/app1.out" "app1 pid" 120 ||
  fail "app1 never ran: $(cat "$out/app1.err"; tail -n 5 "$VXN_LOG")"
say "app container running: $(seconds_since "$t0") s"
expect_eq "app1: PID 1 of its own PID namespace" "$(cat "$out/app1.out")" "app1 pid 1"
wait_for_text "$out/app1.err" app1-err 30 || fail "app1: stderr: $(cat "$out/app1.err")"
expect_eq "state app1" "$(state_of app1)" running
expect_eq "one domain for the pod" "$(xl list | grep -c '^vxn-')" 1
expect_eq "pid file" "$(cat "$LAB_WORK/app1.pid")" \
  "$(vxn state app1 | tr -d ' \n' | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')"

# the pid-file process is a `vxn pod-client` of its own, not a fork of create
client=$(cat "$LAB_WORK/app1.pid")
tr '\0' ' ' </proc/"$client"/cmdline | grep -q ' pod-client ' ||
  fail "app1's pid-file process is not a pod client: $(tr '\0' ' ' </proc/"$client"/cmdline)"
say "app1's client: $(grep -E '^(Rss|Pss|Private_Dirty|Anonymous):' /proc/"$client"/smaps_rollup | tr -s ' ' | tr '\n' ' ')"

# ---- 3. exec lands in app1's namespaces: its root, its PID 1
expect_eq "exec: app1's root" "$(timeout 120 "$VXN" --root "$VXN_ROOT" exec app1 cat /marker 2>&1)" app1-only
timeout 120 "$VXN" --root "$VXN_ROOT" exec app1 cat /proc/1/cmdline >"$out/cmdline" 2>&1 || fail "exec cat cmdline"
grep -q sleep "$out/cmdline" || grep -q nc "$out/cmdline" ||
  fail "exec: PID 1 is not app1's process: $(tr '\0' ' ' <"$out/cmdline")"
timeout 120 "$VXN" --root "$VXN_ROOT" exec app1 sh -c 'exit 3'
expect_eq "exec: status" "$?" 3
[ ! -e "$LAB_WORK/pod1/rootfs/marker" ] || fail "app1's file in the sandbox's root"

# ---- 4. a second container: localhost to app1, the shared volume, its
# status; it shares the pod's process namespace (shareProcessNamespace: CRI
# names the sandbox's namespace by path), where the sandbox's process is PID 1
make_bundle "$LAB_WORK/app2" -- /bin/sh -c \
  'cat /shared/x; nc 127.0.0.1 8080 </dev/null; ls /marker 2>/dev/null; tr "\0" " " </proc/1/cmdline >/shared/app2-pid1; echo $$ >/shared/app2-pid; exit 7'
pod_bundle "$LAB_WORK/app2" container
jq --arg p "/proc/$(cat "$LAB_WORK/pod1.pid")/ns/pid" \
  '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
  "$LAB_WORK/app2/config.json" >"$LAB_WORK/app2.json" && mv "$LAB_WORK/app2.json" "$LAB_WORK/app2/config.json" ||
  fail "app2: the pod's PID namespace by path"
timeout 300 "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" --debug run --bundle "$LAB_WORK/app2" app2 </dev/null >"$out/app2.out" 2>"$out/app2.err"
expect_eq "app2: status" "$?" 7
expect_eq "app2: output" "$(cat "$out/app2.out")" "from-app1
pong"
expect_eq "app2: state" "$(state_of app2)" stopped
expect_eq "app2: PID 1 of the pod's namespace is the sandbox's" "$(cat "$LAB_WORK/emptydir/app2-pid1")" "sleep 100000 "
[ "$(cat "$LAB_WORK/emptydir/app2-pid")" -gt 1 ] || fail "app2 is PID 1: not in the sandbox's namespace"
say "app2 shared the pod's PID namespace: PID $(cat "$LAB_WORK/emptydir/app2-pid"), PID 1 $(cat "$LAB_WORK/emptydir/app2-pid1")"
expect_eq "app1 still running" "$(state_of app1)" running
vxn delete app2 || fail "delete app2"

# ---- 4b. a container's own limits inside the pod's guest (a cgroup of its
# own): past its memory limit the kernel kills in its cgroup only (the
# exec's hog, not the container, app1 or the sandbox); its CPU quota
# throttles a busy loop against app1's, which has no quota; execs join it
make_bundle "$LAB_WORK/lim" -- /bin/sh -c 'cat /proc/self/cgroup; exec sleep 100000'
pod_bundle "$LAB_WORK/lim" container
jq '.linux.resources.memory.limit = 16777216 | .linux.resources.cpu.quota = 20000 |
    .linux.resources.cpu.period = 100000' "$LAB_WORK/lim/config.json" >"$LAB_WORK/lim.json" &&
  mv "$LAB_WORK/lim.json" "$LAB_WORK/lim/config.json" || fail "lim: resources"
vxn create --bundle "$LAB_WORK/lim" lim </dev/null >"$out/lim.out" 2>&1 ||
  fail "create lim: $(cat "$out/lim.out")"
vxn start lim || fail "start lim"
wait_for_text "$out/lim.out" "0::" 60 || fail "lim never ran: $(cat "$out/lim.out")"
expect_eq "lim's cgroup" "$(cat "$out/lim.out")" "0::/ctr-lim"
expect_eq "an exec's cgroup" "$(vxn exec lim cat /proc/self/cgroup 2>&1)" "0::/ctr-lim"
# a 32 MiB string in awk (doubled up to it: few syscalls, which are slow
# in a PV guest under emulation): over lim's 16 MiB, not over the pod's
# guest (128 MiB of limits + the overhead), where app1, without a limit,
# keeps it
hog='BEGIN { s = "x"; while (length(s) < 32000000) s = s s; print length(s) }'
expect_eq "32 MiB in app1, without a limit" "$(vxn exec app1 awk "$hog" 2>&1)" 33554432
vxn exec lim awk "$hog" >"$out/hog.out" 2>&1
expect_eq "an exec past lim's memory limit: status" "$?" 137
expect_eq "lim's own process after its exec's OOM kill" "$(vxn exec lim echo alive 2>&1)" alive
expect_eq "app1 after lim's OOM kill" "$(state_of app1)" running
# seconds of a busy loop of n rounds in container $1, from the guest's clock
busy() {
  vxn exec "$1" sh -c 'read a _ </proc/uptime; i=0; while [ $i -lt '"$2"' ]; do i=$((i+1)); done
    read b _ </proc/uptime; echo "$a $b"' | awk '{ printf "%.2f", $2 - $1 }'
}
n=16000  # 0.3 to 0.6 s in the lab; doubled until the control takes 0.5 s
for _ in 1 2 3 4; do
  free=$(busy app1 $n)
  awk -v t="$free" 'BEGIN { exit !(t >= 0.5) }' && break
  n=$((n * 2))
done
limited=$(busy lim $n)
say "a busy loop of $n rounds: ${free:-?} s in app1, $limited s in lim (20% of a CPU)"
awk -v a="$free" -v b="$limited" 'BEGIN { exit !(a >= 0.5 && b >= 2.5 * a) }' ||
  fail "lim's CPU quota did not throttle: $limited s against app1's $free s"
vxn kill lim KILL || fail "kill lim"
wait_for_state lim stopped 60 || fail "lim did not stop"
vxn delete lim || fail "delete lim"

# ---- 5. TERM without a handler does nothing to a namespace's init; KILL ends it
vxn kill app1 TERM || fail "kill app1 TERM"
sleep 3
expect_eq "app1 after TERM" "$(state_of app1)" running
vxn kill app1 KILL || fail "kill app1 KILL"
wait_nonempty "$out/app1.status" 60
expect_eq "app1: status after KILL" "$(cat "$out/app1.status" 2>/dev/null)" 137
expect_eq "sandbox still running" "$(state_of pod1)" running
vxn delete app1 || fail "delete app1"
export_dir=$VXN_ROOT/pod1/shares/pod
[ -z "$(ls -A "$export_dir")" ] || fail "entries left in the pod's share: $(ls -A "$export_dir")"

# ---- 5b. a terminal app container (CRI's tty: true): its pty reaches the
# console socket, an interactive sh runs behind it
make_bundle "$LAB_WORK/apptty" -- /bin/sh
pod_bundle "$LAB_WORK/apptty" container
sed -i 's/"terminal": false/"terminal": true/' "$LAB_WORK/apptty/config.json"
sock=$LAB_WORK/console.sock
"$RECV" "$sock" 5 >"$out/recv.out" 2>"$out/recv.err" &
recv=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
vxn create --bundle "$LAB_WORK/apptty" --console-socket "$sock" apptty </dev/null \
  >"$out/apptty.out" 2>&1 || fail "create apptty: $(cat "$out/apptty.out")"
vxn start apptty || fail "start apptty"
wait "$recv"
rc=$?
say "terminal app container: $(tr '\n' ';' <"$out/recv.out")"
[ "$rc" -eq 0 ] || fail "apptty's console: $(cat "$out/recv.err")"
wait_for_state apptty stopped 60 || fail "apptty did not stop"
vxn delete apptty || fail "delete apptty"

# ---- 6. a container left when the sandbox ends: delete --force cleans up
make_bundle "$LAB_WORK/app3" -- /bin/sh -c 'echo app3-up; exec sleep 100000'
pod_bundle "$LAB_WORK/app3" container
vxn create --bundle "$LAB_WORK/app3" app3 </dev/null >"$out/app3.out" 2>&1 || fail "create app3"
vxn start app3 || fail "start app3"
wait_for_text "$out/app3.out" app3-up 60 || fail "app3 never ran"
vxn kill pod1 KILL || fail "kill the sandbox"
wait_for_state pod1 stopped 60 || fail "the sandbox did not stop"
wait_for_state app3 stopped 60 || fail "app3 outlived its pod: $(state_of app3)"
vxn delete --force app3 || fail "delete app3"
vxn delete pod1 || fail "delete the sandbox"

# ---- 7. bad input: a sandbox that does not exist
make_bundle "$LAB_WORK/app4" -- /bin/true
pod_bundle "$LAB_WORK/app4" container
sed -i 's/"io.kubernetes.cri.sandbox-id": "pod1"/"io.kubernetes.cri.sandbox-id": "nosuch"/' \
  "$LAB_WORK/app4/config.json"
"$VXN" --root "$VXN_ROOT" create --bundle "$LAB_WORK/app4" app4 </dev/null >"$out/app4.out" 2>&1
expect_eq "create in a pod that does not exist: status" "$?" 1
grep -q '^vxn: error: pod sandbox nosuch' "$out/app4.out" ||
  fail "the error does not name the sandbox: $(cat "$out/app4.out")"
expect_eq "one error line" "$(wc -l <"$out/app4.out")" 1
[ ! -e "$VXN_ROOT/app4" ] || fail "state left for app4"

only_dom0 "at the end"
expect_eq "mounts left" "$(vxn_mounts)" 0
[ -z "$(ls -A "$VXN_ROOT")" ] || fail "state root not empty: $(ls -A "$VXN_ROOT")"
echo ok
