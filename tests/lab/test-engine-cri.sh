#!/usr/bin/env bash
# One Kubernetes-style pod through containerd's CRI, as kubelet would drive
# it, with the runtime handler CRI_HANDLER (vxn, the default, or runc, to
# check the harness itself):
# RunPodSandbox on a CNI bridge, an app container (stdout + stderr lines,
# httpd on 127.0.0.1, then waits; exits 7 on TERM), its status, ExecSync and
# streaming Exec with exit codes, a second container of the pod fetching from
# the first over localhost and reading what it wrote in their emptyDir and
# in the pod's /dev/shm (a
# host directory both mount), the second restarted as the kubelet does (a
# new CreateContainer, attempt 1), a container whose command is missing
# (StartContainer fails naming it, the others run on, nothing of it is left
# after RemoveContainer), the CRI log format, StopContainer with a
# grace period, StopPodSandbox, RemovePodSandbox, nothing listed after.
# A pod is one guest (its sandbox's); its containers run inside it, sized
# for the pod: the sum of its containers' limits (as the kubelet hands it
# over) plus vxn.conf's pod_overhead_mib. Then a hostNetwork pod, whose
# guest is destroyed behind vxn's back (its container reports exited, nothing
# is left after RemovePodSandbox), and a pod too big for the host (refused
# by name, nothing left).
# Alone: bash tests/run --lab-only test-engine-cri
# Prints the OCI calls the shim made and what the specs held, for the human.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/cri-lib.sh"
HANDLER=${CRI_HANDLER:-vxn}
case $HANDLER in runc | vxn) ;; *) echo "FAIL: CRI_HANDLER must be runc or vxn"; exit 1 ;; esac
cri_init
cri_config
cri_start
cri_images
say "handler: $HANDLER"
T0=$(now_us)

# step NAME CMD...: runs CMD, says how long it took; its stdout is STEP_OUT.
step() {
  local name=$1 t0 rc
  shift
  t0=$(now_us)
  STEP_OUT=$("$@" 2>"$E/step.err")
  rc=$?
  say "$name: $(seconds_since "$t0") s"
  [ $rc -eq 0 ] || fail "$name: exit $rc: $(cat "$E/step.err")"
}
field() { jq -r "$2" <<<"$1"; }
ctr_state() { cri inspect "$1" | jq -r .state; }
is_state() { [ "$(ctr_state "$1")" = "$2" ]; }

# ---- the pod: its containers' limits sum to 96 MiB and 1.5 CPUs
POD_MIB=96
pod_config web 0 ", \"resources\": {\"memory_limit_in_bytes\": $((POD_MIB << 20)),
  \"cpu_period\": 100000, \"cpu_quota\": 150000}" > "$E/pod.json"
step "RunPodSandbox" cri runp "$E/pod.json" "$HANDLER"
POD=$STEP_OUT
st=$(cri inspectp "$POD") || fail "PodSandboxStatus"
expect_eq "pod state" "$(field "$st" .state)" SANDBOX_READY
ip=$(field "$st" .network.ip)
case $ip in 198.18.96.*) say "pod IP $ip" ;; *) fail "pod IP '$ip' not in $CRI_SUBNET" ;; esac

# ---- the app container: httpd on the pod's localhost, then waits for TERM
APP_SCRIPT='mkdir -p /dev/www && echo served-by-app > /dev/www/index.html &&
httpd -p 127.0.0.1:8080 -h /dev/www || exit 9
echo from-app > /data/note; echo shm-from-app > /dev/shm/note
trap "echo got-term; exit 7" TERM
echo out-line; echo err-line >&2
sleep 100000 & wait $!'
# the pod's emptyDir: a host directory the kubelet makes, mounted in both
EMPTYDIR=$E/emptydir
mkdir -p "$EMPTYDIR"
with_emptydir() { jq --arg d "$EMPTYDIR" '.mounts = [{container_path: "/data", host_path: $d}]'; }
# the app's own limits (half the pod's): with vxn, a cgroup of its own in
# the pod's guest
with_limits() {
  jq '.linux.resources = {memory_limit_in_bytes: 50331648, cpu_period: 100000, cpu_quota: 75000}'
}
ctr_config app sh -c "$APP_SCRIPT" | with_emptydir | with_limits > "$E/app.json"
step "CreateContainer app" cri create "$POD" "$E/app.json" "$E/pod.json"
APP=$STEP_OUT
step "StartContainer app" cri start "$APP"
LOG=$E/logs/web/app.log
wait_for_text "$LOG" out-line 300 || fail "app never printed out-line: $(cat "$LOG" 2>&1)"
wait_for_text "$LOG" err-line 30 || fail "app never printed err-line: $(cat "$LOG" 2>&1)"
st=$(cri inspect "$APP") || fail "ContainerStatus app"
expect_eq "app state" "$(field "$st" .state)" CONTAINER_RUNNING
expect_eq "app log path" "$(field "$st" .log_path)" "$LOG"

# ---- the CRI log: TIMESTAMP STREAM F LINE, stdout and stderr apart
grep -Eq '^[0-9]{4}-[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+) stdout F out-line$' "$LOG" ||
  fail "no CRI stdout line 'out-line' in $LOG: $(cat "$LOG")"
grep -Eq '^[0-9]{4}-[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+) stderr F err-line$' "$LOG" ||
  fail "no CRI stderr line 'err-line' in $LOG: $(cat "$LOG")"
say "CRI log format: stdout and stderr lines apart"

# ---- ExecSync: output and exit codes
step "ExecSync echo hi" cri exec-sync "$APP" 60 echo hi
expect_eq "ExecSync echo hi output" "$STEP_OUT" hi
if [ "$HANDLER" = vxn ]; then
  step "ExecSync cat /proc/self/cgroup" cri exec-sync "$APP" 60 cat /proc/self/cgroup
  expect_eq "the app's cgroup in the pod's guest" "$STEP_OUT" "0::/ctr-$APP"
fi
t0=$(now_us)
cri exec-sync "$APP" 60 sh -c 'echo to-err >&2; exit 3' >/dev/null 2>"$E/exec.err"
rc=$?
say "ExecSync sh -c 'exit 3': $(seconds_since "$t0") s"
expect_eq "ExecSync exit code" "$rc" 3
expect_eq "ExecSync stderr" "$(cat "$E/exec.err")" to-err

# ---- Exec through containerd's streaming server (websocket), as kubectl exec
t0=$(now_us)
out=$(cri exec "$APP" sh -c 'echo ex-out; echo ex-err >&2; exit 4' 2>"$E/exec.err")
rc=$?
say "Exec (streaming) sh -c '...; exit 4': $(seconds_since "$t0") s"
[ "$rc" -ne 125 ] || fail "Exec (streaming): $(cat "$E/exec.err")"
expect_eq "Exec exit code" "$rc" 4
expect_eq "Exec stdout" "$out" ex-out
expect_eq "Exec stderr" "$(cat "$E/exec.err")" ex-err

# ---- a second container of the pod reaches the first over localhost
ctr_config client sh -c 'wget -q -O - http://127.0.0.1:8080/index.html && cat /data/note && cat /dev/shm/note' |
  with_emptydir > "$E/client.json"
step "CreateContainer client" cri create "$POD" "$E/client.json" "$E/pod.json"
CLIENT=$STEP_OUT
step "StartContainer client" cri start "$CLIENT"
wait_until 120 is_state "$CLIENT" CONTAINER_EXITED ||
  fail "client not exited: $(ctr_state "$CLIENT"): $(cat "$E/logs/web/client.log" 2>&1)"
expect_eq "client exit code" "$(cri inspect "$CLIENT" | jq -r .exit_code)" 0
grep -q ' stdout F served-by-app$' "$E/logs/web/client.log" ||
  fail "client did not get the app's page: $(cat "$E/logs/web/client.log" 2>&1)"
grep -q ' stdout F from-app$' "$E/logs/web/client.log" ||
  fail "client did not read the app's file in their emptyDir: $(cat "$E/logs/web/client.log")"
expect_eq "the emptyDir in dom0" "$(cat "$EMPTYDIR/note" 2>&1)" from-app
# the pod's /dev/shm (containerd's tmpfs for the sandbox, bound in each)
grep -q ' stdout F shm-from-app$' "$E/logs/web/client.log" ||
  fail "client did not see the app's file in the pod's /dev/shm: $(cat "$E/logs/web/client.log")"
say "client fetched from app over 127.0.0.1, read its file in their emptyDir and in the pod's /dev/shm"
if [ "$HANDLER" = vxn ]; then
  # a pod is one guest: the sandbox's; its containers run inside it
  expect_eq "Xen guests of the pod" "$(xl list | grep -c '^vxn-')" 1
  overhead=$(conf_value pod_overhead_mib)
  # the domain's memory target (xl list's Mem leaves out what Xen keeps)
  pod_dom=$(xl list | awk '/^vxn-/ { print $2, $4 }')
  expect_eq "the pod's guest: MiB and vcpus" \
    "$(($(xenstore-read "/local/domain/${pod_dom% *}/memory/target") / 1024)) ${pod_dom#* }" \
    "$((POD_MIB + ${overhead:-64})) 2"
  say "the pod's guest: $POD_MIB MiB of limits + ${overhead:-64} MiB overhead, 2 vcpus for 1.5 CPUs"
fi
expect_eq "containers in the pod" "$(cri ps "$POD" | jq length)" 2

# ---- the kubelet restarts an exited container: a new attempt, same pod
jq '.metadata.attempt = 1 | .log_path = "client-1.log"' "$E/client.json" > "$E/client-1.json"
step "CreateContainer client (attempt 1)" cri create "$POD" "$E/client-1.json" "$E/pod.json"
CLIENT1=$STEP_OUT
step "StartContainer client (attempt 1)" cri start "$CLIENT1"
wait_until 120 is_state "$CLIENT1" CONTAINER_EXITED ||
  fail "client attempt 1 not exited: $(ctr_state "$CLIENT1"): $(cat "$E/logs/web/client-1.log" 2>&1)"
expect_eq "client attempt 1 exit code" "$(cri inspect "$CLIENT1" | jq -r .exit_code)" 0
grep -q ' stdout F served-by-app$' "$E/logs/web/client-1.log" ||
  fail "client attempt 1 did not get the page: $(cat "$E/logs/web/client-1.log" 2>&1)"
[ "$HANDLER" != vxn ] || expect_eq "Xen guests after the restart" "$(xl list | grep -c '^vxn-')" 1
step "RemoveContainer client (attempt 0)" cri rm "$CLIENT"

# ---- a container that cannot start (its command is not in the image):
# StartContainer fails naming it, the pod's other container runs on, and
# RemoveContainer leaves nothing of it (vxn: no state, no entry in the
# pod's share)
[ "$HANDLER" != vxn ] || entries0=$(ls "$E/vxn-root/k8s.io/$POD/shares/"* 2>/dev/null | sort)
ctr_config broken /no/such/command > "$E/broken.json"
step "CreateContainer broken" cri create "$POD" "$E/broken.json" "$E/pod.json"
BROKEN=$STEP_OUT
cri start "$BROKEN" >/dev/null 2>"$E/broken.err" && fail "StartContainer of a missing command succeeded"
grep -q "/no/such/command" "$E/broken.err" || fail "StartContainer broken: no clear error: $(cat "$E/broken.err")"
say "StartContainer broken refused: $(grep -o 'exec: .*' "$E/broken.err" | head -n 1 | cut -c1-160)"
expect_eq "app beside the broken container" "$(field "$(cri inspect "$APP")" .state)" CONTAINER_RUNNING
step "RemoveContainer broken" cri rm "$BROKEN"
if [ "$HANDLER" = vxn ]; then
  [ ! -e "$E/vxn-root/k8s.io/$BROKEN" ] || fail "the broken container's state is left"
  expect_eq "the pod's share after the broken container" \
    "$(ls "$E/vxn-root/k8s.io/$POD/shares/"* 2>/dev/null | sort)" "$entries0"
  expect_eq "Xen guests after the broken container" "$(xl list | grep -c '^vxn-')" 1
fi

# ---- StopContainer: TERM, the app's trap exits 7 well inside the grace period
step "StopContainer app (grace 60 s)" cri stop "$APP" 60
st=$(cri inspect "$APP")
expect_eq "app state after stop" "$(field "$st" .state)" CONTAINER_EXITED
expect_eq "app exit code after TERM" "$(field "$st" .exit_code)" 7
grep -q ' stdout F got-term$' "$LOG" || fail "app's TERM trap did not run: $(cat "$LOG")"
step "RemoveContainer client (attempt 1)" cri rm "$CLIENT1"

# ---- the pod goes
step "StopPodSandbox" cri stopp "$POD"
expect_eq "pod state after stop" "$(cri inspectp "$POD" | jq -r .state)" SANDBOX_NOTREADY
step "RemovePodSandbox" cri rmp "$POD"
expect_eq "ListPodSandbox after remove" "$(cri pods | jq length)" 0
expect_eq "ListContainers after remove" "$(cri ps | jq length)" 0
say "pod lifecycle: $(seconds_since "$T0") s"

# ---- a hostNetwork pod: no network namespace of its own (with vxn the
# guest's own stack, lo only); with vxn its guest then dies behind vxn's back
pod_config hostnet 2 > "$E/hostnet.json"
step "RunPodSandbox hostNetwork" cri runp "$E/hostnet.json" "$HANDLER"
HPOD=$STEP_OUT
ctr_config up sh -c 'echo links: $(ls /sys/class/net); echo hostnet-up; sleep 100000' \
  > "$E/up.json"
step "CreateContainer up" cri create "$HPOD" "$E/up.json" "$E/hostnet.json"
UP=$STEP_OUT
step "StartContainer up" cri start "$UP"
wait_for_text "$E/logs/hostnet/up.log" hostnet-up 300 ||
  fail "hostNetwork container never printed: $(cat "$E/logs/hostnet/up.log" 2>&1)"
say "hostNetwork container $(grep -o 'links: .*' "$E/logs/hostnet/up.log")"
if [ "$HANDLER" = vxn ]; then
  dom=$(xl list | awk '/^vxn-/ { print $1 }')
  [ "$(wc -w <<<"$dom")" = 1 ] || fail "hostNetwork pod: want one guest, have '$dom'"
  xl destroy "$dom" || fail "xl destroy $dom"
  wait_until 120 is_state "$UP" CONTAINER_EXITED ||
    fail "container of a destroyed pod guest: $(ctr_state "$UP")"
  say "pod guest destroyed: its container exited, code $(cri inspect "$UP" | jq -r .exit_code)"
else
  step "StopContainer up" cri stop "$UP" 1
fi
step "StopPodSandbox hostNetwork" cri stopp "$HPOD"
step "RemovePodSandbox hostNetwork" cri rmp "$HPOD"
expect_eq "ListPodSandbox after remove" "$(cri pods | jq length)" 0

# ---- a pod too big for the host: refused, naming memory, nothing left
if [ "$HANDLER" = vxn ]; then
  pod_config big 0 ", \"resources\": {\"memory_limit_in_bytes\": $((1 << 36))}" > "$E/big.json"
  cri runp "$E/big.json" "$HANDLER" >/dev/null 2>"$E/big.err" &&
    fail "RunPodSandbox of a 64 GiB pod succeeded"
  grep -q "memory" "$E/big.err" || fail "64 GiB pod refused without naming memory: $(cat "$E/big.err")"
  say "64 GiB pod refused: $(grep -o 'not enough[^"]*MiB are free' "$E/big.err" | head -1)"
  expect_eq "ListPodSandbox after a refused pod" "$(cri pods | jq length)" 0
fi

# ---- for the human: what the runtime saw (argv of each call; the specs)
# (paths below the engine dir as $E, ids cut to 12 characters)
short() { sed -e "s|$E|\$E|g" -e 's/\([0-9a-f]\{12\}\)[0-9a-f]\{52\}/\1/g'; }
say "OCI calls of the shim ($HANDLER), seconds since the first:"
awk 'NR == 1 { t = $1 } { $1 = sprintf("%7.2f", $1 - t); print "#   " $0 }' "$CRI_CALLS" | short
# in create order (ids hold no blanks)
# shellcheck disable=SC2045
for f in $(ls -tr "$CRI_SPECS"/*.json 2>/dev/null); do
  [ -e "$f" ] || continue
  jq -r --arg id "$(basename "$f" .json)" '"#   spec of \($id): args \(.process.args | tostring)",
    "#     annotations \(.annotations | tostring)",
    "#     namespaces \(.linux.namespaces | tostring)",
    "#     mounts \([.mounts[] | select(.type == "bind") | "\(.destination)<-\(.source)"] | join(" "))",
    "#     cgroupsPath \(.linux.cgroupsPath // "-"), hostname \(.hostname // "-")"' "$f" | short
done

# ---- nothing of the pod left in the runtime
case $HANDLER in
  runc) left=$(runc --root "$E/runc-root/k8s.io" list -q 2>/dev/null) ;;
  vxn) left=$(ls -A "$E/vxn-root/k8s.io" 2>/dev/null) ;;
esac
[ -z "$left" ] || fail "containers left in the $HANDLER root: $left"
[ "$HANDLER" != vxn ] || only_dom0 "after RemovePodSandbox"
echo "ok"
