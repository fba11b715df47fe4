#!/usr/bin/env bash
# Command-line tests of vxn that need no Xen: every error path a caller can
# reach before a guest is built, plus spec/features/--version/list.
# Usage: test-cli.sh PATH/TO/vxn
# Prints `ok - ...` / `not ok - ...` per check; exits 1 if any check failed.
set -u

VXN=${1:?usage: test-cli.sh PATH/TO/vxn}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ROOT=$T/root          # the state root: must stay empty after every bad input
LOG=$T/log.json
mkdir -p "$ROOT"
export VXN_CONFIG=$T/vxn.conf   # no dependency on an installed config
: > "$VXN_CONFIG"

failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }

has_json() {  # FILE: is it valid JSON? (python3 when present, else a shape check)
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
  else
    grep -q '^[[{]' "$1"
  fi
}

# run NAME WANT_RC STDERR_SUBSTRING -- vxn args...: runs vxn with --root,
# checks the exit status, a message on stderr, and that nothing is left in ROOT.
run() {
  local name=$1 want=$2 msg=$3
  shift 4
  "$VXN" --root "$ROOT" "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if grep -qE 'Sanitizer|runtime error:' "$T/err"; then
    notok "$name: sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$T/err")"
  elif [ "$rc" -ne "$want" ]; then
    notok "$name: exit $rc, want $want ($(head -c 200 "$T/err"))"
  elif [ -n "$msg" ] && ! grep -qF -- "$msg" "$T/err"; then
    notok "$name: stderr lacks '$msg': $(head -c 200 "$T/err")"
  elif [ -n "$(ls -A "$ROOT")" ]; then
    notok "$name: left behind in the state root: $(ls -A "$ROOT" | tr '\n' ' ')"
    rm -rf "${ROOT:?}"/*
  else
    ok "$name"
  fi
}

bundle() {  # DIR CONFIG_JSON: a bundle with an empty rootfs
  mkdir -p "$1/rootfs"
  [ -n "$2" ] && printf '%s\n' "$2" > "$1/config.json"
  return 0
}

# ---------------------------------------------------------------- globals
"$VXN" --version >"$T/out" 2>&1
if [ $? -eq 0 ] && grep -qx 'vxn version [0-9.]*' "$T/out" && grep -qx 'spec: 1.0.2' "$T/out" \
   && grep -q '^xen: ' "$T/out"; then ok "--version"; else notok "--version: $(cat "$T/out")"; fi
"$VXN" -v >"$T/out" 2>&1 && grep -q '^vxn version' "$T/out" && ok "-v" || notok "-v"
"$VXN" --help >"$T/out" 2>&1 && grep -q 'create' "$T/out" && ok "--help" || notok "--help"

run "unknown verb" 1 "usage:" -- frobnicate c1
run "unknown global flag" 1 "usage:" -- --frobnicate list
run "bad --log-format" 1 "log-format" -- --log-format yaml list
run "unknown create flag" 1 "usage:" -- create --frobnicate c1
run "create without ID" 1 "missing container ID" -- create --bundle "$T"
run "create with two IDs" 1 "unexpected argument" -- create --bundle "$T" c1 c2
run "--systemd-cgroup accepted" 0 "" -- --systemd-cgroup list

# ---------------------------------------------------------------- IDs
for id in '..' '../escape' 'a/b' '.hidden' '_x' 'a b' 'a:b'; do
  run "invalid ID '$id'" 1 "invalid container ID" -- create --bundle "$T" "$id"
done
long=$(printf 'x%.0s' $(seq 1025))
run "1025-character ID" 1 "invalid container ID" -- create --bundle "$T" "$long"
run "state with invalid ID" 1 "invalid container ID" -- state ../x

# ---------------------------------------------------------------- bundles
run "missing bundle" 1 "No such file or directory" -- create --bundle "$T/nonexistent" c1
bundle "$T/noconf" ""
run "bundle without config.json" 1 "config.json: No such file or directory" -- create --bundle "$T/noconf" c1
bundle "$T/notjson" 'this is { not json'
run "config.json not JSON" 1 "not valid JSON" -- create --bundle "$T/notjson" c1
bundle "$T/emptyargs" '{"ociVersion":"1.0.2","process":{"args":[],"cwd":"/"},"root":{"path":"rootfs"}}'
run "empty process.args" 1 "process.args: must not be empty" -- create --bundle "$T/emptyargs" c1
bundle "$T/noargs" '{"ociVersion":"1.0.2","process":{"cwd":"/"},"root":{"path":"rootfs"}}'
run "missing process.args" 1 "process.args: must not be empty" -- create -b "$T/noargs" c1
bundle "$T/badtype" '{"ociVersion":"1.0.2","process":{"args":["sh"],"user":{"uid":"0"}},"root":{"path":"rootfs"}}'
run "wrong type uid" 1 "process.user.uid" -- create -b "$T/badtype" c1
bundle "$T/rlimit" '{"process":{"args":["sh"],"rlimits":[{"type":"RLIMIT_BOGUS","soft":1,"hard":1}]},"root":{"path":"rootfs"}}'
run "unknown rlimit" 1 "RLIMIT_BOGUS" -- create -b "$T/rlimit" c1
bundle "$T/nosrc" '{"process":{"args":["sh"]},"root":{"path":"rootfs"},"mounts":[{"destination":"/data","type":"bind","source":"/nonexistent-vxn-volume","options":["rbind"]}]}'
run "volume with a missing source (runc's error)" 1 'error mounting "/nonexistent-vxn-volume" to rootfs at "/data": stat /nonexistent-vxn-volume: no such file or directory' -- create -b "$T/nosrc" c1
mkfifo "$T/fifo"
bundle "$T/fifosrc" '{"process":{"args":["sh"]},"root":{"path":"rootfs"},"mounts":[{"destination":"/f","type":"bind","source":"'"$T"'/fifo","options":["bind"]}]}'
run "volume of a FIFO" 1 "mounts[0] /f: $T/fifo is a FIFO: only directories and regular files" -- create -b "$T/fifosrc" c1
mkdir -p "$T/huge/rootfs"
{ printf '{"process":{"args":["sh"]},"root":{"path":"rootfs"},"x":"'; head -c 4300000 /dev/zero | tr '\0' a; printf '"}'; } > "$T/huge/config.json"
run "config.json over 4 MiB" 1 "larger than" -- create -b "$T/huge" c1
run "--preserve-fds 2" 1 "preserve-fds" -- create --preserve-fds 2 -b "$T/emptyargs" c1

# ---------------------------------------------------------------- unknown containers
run "state of unknown ID" 1 "container does not exist" -- state nosuch
run "kill of unknown ID" 1 "container does not exist" -- kill nosuch 9
run "kill of unknown ID by name" 1 "container does not exist" -- kill nosuch SIGKILL
run "kill with bad signal" 1 "invalid signal" -- kill nosuch SIGFOO
run "kill without ID" 1 "missing container ID" -- kill
run "delete of unknown ID" 1 "container does not exist" -- delete nosuch
run "delete --force of unknown ID (as runc: nothing to do)" 0 "" -- delete --force nosuch
run "start of unknown ID" 1 "container does not exist" -- start nosuch
run "exec of unknown ID" 1 "container does not exist" -- exec nosuch /bin/true
run "exec without a command" 1 "give --process FILE or the command" -- exec nosuch
run "exec without ID" 1 "missing container ID" -- exec
run "exec --process with a command" 1 "cannot go together" -- exec --process "$T/p.json" nosuch true
run "ps of unknown ID" 1 "container does not exist" -- ps nosuch
run "ps --format json of unknown ID" 1 "container does not exist" -- ps --format json nosuch
run "ps bad format" 1 "table or json" -- ps --format yaml nosuch
run "pause of unknown ID" 1 "container does not exist" -- pause nosuch
run "resume of unknown ID" 1 "container does not exist" -- resume nosuch
run "update of unknown ID" 1 "container does not exist" -- update --memory 64m nosuch
run "events of unknown ID" 1 "container does not exist" -- events --stats nosuch
run "update --memory nonsense" 1 "--memory" -- update --memory 12q nosuch
run "update --cpus 0" 1 "--cpus" -- update --cpus 0 nosuch
run "update --resources missing file" 1 "No such file" -- update --resources "$T/nope.json" nosuch
echo '{"memory": []}' > "$T/res-bad.json"
run "update --resources bad type" 1 "memory: must be" -- update --resources "$T/res-bad.json" nosuch
# a positive quota is at least one vcpu, never "nothing to change" (exit 0):
# quota + period wrapped, and the vcpus were cut to 32 bits
echo '{"cpu": {"quota": 2, "period": 18446744073709551615}}' > "$T/res-wrap.json"
run "update --resources quota with a huge period" 1 "container does not exist" -- update --resources "$T/res-wrap.json" nosuch
echo '{"cpu": {"quota": 429496729600000, "period": 100000}}' > "$T/res-2e32.json"
run "update --resources 2^32 vcpus" 1 "container does not exist" -- update --resources "$T/res-2e32.json" nosuch
run "update --cpu-quota 2^32 vcpus" 1 "container does not exist" -- update --cpu-quota 429496729600000 --cpu-period 100000 nosuch
run "events --interval nonsense" 1 "--interval" -- events --interval soon nosuch

# ---------------------------------------------------------------- --log-format json
rm -f "$LOG"
"$VXN" --root "$ROOT" --log "$LOG" --log-format json create --bundle "$T/emptyargs" c1 >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -ne 1 ]; then notok "json log: exit $rc"
elif [ -s "$T/out" ]; then notok "json log: stdout not empty: $(head -c 200 "$T/out")"
elif [ "$(cat "$T/err")" != "process.args: must not be empty" ]; then
  notok "json log: stderr is not the bare error as runc's: $(head -c 200 "$T/err")"
elif ! grep -q '^{"level":"error","msg":"process.args: must not be empty","time":"[0-9T:Z-]*"}$' "$LOG"; then
  notok "json log: line not as runc writes it: $(cat "$LOG")"
elif ! has_json "$LOG"; then notok "json log: not JSON: $(cat "$LOG")"
else ok "--log-format json: one error line in --log, the bare error on stderr (runc's fatal)"; fi
"$VXN" --root "$ROOT" --log "$LOG" --log-format json delete nosuch >/dev/null 2>&1
[ "$(wc -l < "$LOG")" -eq 2 ] && tail -n1 "$LOG" | grep -q '"msg":"container does not exist"' \
  && ok "--log is appended to" || notok "--log is appended to: $(cat "$LOG")"
"$VXN" --root "$ROOT" --log "$LOG" kill nosuch >/dev/null 2>&1
tail -n1 "$LOG" | grep -q 'error: container does not exist' && ok "--log text format" \
  || notok "--log text format: $(tail -n1 "$LOG")"

# ---------------------------------------------------------------- spec
mkdir -p "$T/specb"
if "$VXN" spec --bundle "$T/specb" >"$T/out" 2>"$T/err" && has_json "$T/specb/config.json" \
   && grep -q '"path": "rootfs"' "$T/specb/config.json"; then ok "spec writes config.json"
else notok "spec: $(cat "$T/err")"; fi
run "spec refuses to overwrite" 1 "exists" -- spec --bundle "$T/specb"
# vxn's own parser and planner accept what spec wrote: create then fails only
# on the missing rootfs, before any guest exists
run "spec output passes spec+plan" 1 "rootfs" -- create --bundle "$T/specb" c1

# ---------------------------------------------------------------- features, list
"$VXN" features >"$T/out" 2>&1 && grep -q '"org.xenproject.vxn.commands": "create,start,.*pause,resume,update,events' "$T/out" \
  && ok "features lists the verbs" || notok "features verbs: $(cat "$T/out")"
if "$VXN" features >"$T/out" 2>"$T/err" && has_json "$T/out" && grep -q '"ociVersionMax": "1.0.2"' "$T/out" \
   && grep -q '"ociVersionMin"' "$T/out"; then ok "features JSON"; else notok "features: $(cat "$T/err")"; fi
"$VXN" --root "$ROOT" list >"$T/out" 2>"$T/err" && [ "$(wc -l < "$T/out")" -eq 1 ] && grep -q '^ID' "$T/out" \
  && ok "list of an empty root" || notok "list of an empty root: $(cat "$T/out" "$T/err")"
"$VXN" --root "$ROOT" list --format json >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "[]" ] \
  && ok "list --format json of an empty root" || notok "list --format json: $(cat "$T/out" "$T/err")"
"$VXN" --root "$T/absent" list -q >"$T/out" 2>"$T/err" && [ ! -s "$T/out" ] \
  && ok "list of a missing root" || notok "list of a missing root: $(cat "$T/err")"
# Docker shares --root between runtimes: another runtime's entry is skipped
mkdir -p "$T/shared/runcctr"
echo '{"id":"runcctr","init_process_pid":1}' > "$T/shared/runcctr/state.json"
"$VXN" --root "$T/shared" list -q >"$T/out" 2>"$T/err" && [ ! -s "$T/out" ] \
  && ok "list skips other runtimes' entries" || notok "list of a shared root: $(cat "$T/out" "$T/err")"
run "list --format yaml" 1 "table or json" -- list --format yaml

# ---------------------------------------------------------------- a stopped container
# A state record whose monitor is gone: its status is derived as stopped
# without asking Xen, so state/list/kill/start/delete can be checked here.
mkdir -m 0700 "$ROOT/s1"
cat > "$ROOT/s1/state.json" <<'JSON'
{"id":"s1","bundle":"/b","rootfs":"/b/rootfs","created":"2026-11-25T17:00:00.000000001Z","owner":"","annotations":{},"monitor_pid":2147483000,"monitor_start":5,"domain_name":"vxn-s1","domid":3}
JSON
"$VXN" --root "$ROOT" state s1 >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && has_json "$T/out" && grep -q '"status": "stopped"' "$T/out" && grep -q '"pid": 0' "$T/out" \
   && grep -q '"ociVersion"' "$T/out" && grep -q '"bundle": "/b"' "$T/out"; then ok "state of a stopped container"
else notok "state of a stopped container: $(cat "$T/out" "$T/err")"; fi
"$VXN" --root "$ROOT" list --format json >"$T/out" 2>"$T/err" && has_json "$T/out" && grep -q '"id": "s1"' "$T/out" \
  && ok "list --format json shows it" || notok "list --format json: $(cat "$T/out" "$T/err")"
"$VXN" --root "$ROOT" list -q >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "s1" ] \
  && ok "list -q shows it" || notok "list -q: $(cat "$T/out" "$T/err")"
"$VXN" --root "$ROOT" kill s1 KILL >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q 'container not running' "$T/err" && ok "kill of a stopped container" \
  || notok "kill of a stopped container: $(cat "$T/err")"
"$VXN" --root "$ROOT" start s1 >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q 'stopped' "$T/err" && ok "start of a stopped container" \
  || notok "start of a stopped container: $(cat "$T/err")"
"$VXN" --root "$ROOT" delete s1 >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && [ ! -e "$ROOT/s1" ] && ok "delete of a stopped container removes its state" \
  || notok "delete of a stopped container: $(cat "$T/err")"

# ---------------------------------------------------------------- a pod's app container
# It runs in its pod's guest (no domain or monitor of its own): pause,
# resume, update and ps are refused naming the sandbox, not done to the pod.
P=$T/podroot
mkdir -p "$P" && mkdir -m 0700 "$P/app1"
cat > "$P/app1/state.json" <<'JSON'
{"id":"app1","bundle":"/b","rootfs":"/b/rootfs","created":"2026-11-25T17:00:00.000000001Z","owner":"","annotations":{},"monitor_pid":2147483000,"monitor_start":5,"domain_name":"vxn-pod1","domid":3,"sandbox":"pod1","pod_entry":"c0"}
JSON
for verb in "pause" "resume" "update --memory 64m" "ps"; do
  "$VXN" --root "$P" $verb app1 >"$T/out" 2>"$T/err"
  rc=$?
  if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
     grep -q "^vxn: error: ${verb%% *} of container app1: it runs in the guest of pod sandbox pod1" "$T/err"; then
    ok "${verb%% *} of a pod's app container refused, naming its sandbox"
  else notok "${verb%% *} of a pod's app container: exit $rc: $(cat "$T/err")"; fi
done

# The monitor's network sync (`vxn monitor-net-sync`): bad arguments are
# one line and exit 1.
run "monitor-net-sync without arguments" 1 "monitor-net-sync takes" -- monitor-net-sync
run "monitor-net-sync, domid 0" 1 "invalid domid" -- monitor-net-sync 0 /nonexistent
run "monitor-net-sync, a domid that is no number" 1 "invalid domid" -- monitor-net-sync 1x /nonexistent
run "monitor-net-sync, a relative state dir" 1 "absolute path" -- monitor-net-sync 5 state

# The pod client (create starts it as `vxn pod-client`): what it cannot do
# goes to create through the ready pipe, one line, and it exits 1.
run "pod-client without its fds" 1 "pod-client takes" -- pod-client --state-dir "$T/none"
pod_client() {  # LAUNCH-FILE: the client's word on its ready pipe, in $T/ready
  "$VXN" --log "$T/pc.log" pod-client --state-dir "$T/none" --gate "$T/gate" \
    --launch-fd 3 --ready-fd 4 3<"$1" 4> >(cat >"$T/ready") >"$T/out" 2>"$T/err"
  local rc=$?
  sleep 0.2  # the pipe's reader
  return $rc
}
pod_client /dev/null
rc=$?
[ "$rc" -eq 1 ] && grep -q "^Eno launch data on fd 3$" "$T/ready" && [ ! -s "$T/err" ] \
  && ok "pod-client with no launch data: exit 1, told on the ready pipe" \
  || notok "pod-client with no launch data: exit $rc, ready '$(cat "$T/ready")' err '$(cat "$T/err")'"
printf 'L' >"$T/launch"
pod_client "$T/launch"
rc=$?
[ "$rc" -eq 1 ] && grep -q "^Ecannot exec in a stopped container" "$T/ready" && [ ! -e "$T/gate" ] && [ ! -s "$T/err" ] \
  && ok "pod-client without its sandbox's monitor: exit 1, told on the ready pipe" \
  || notok "pod-client without a monitor: exit $rc, ready '$(cat "$T/ready")' err '$(cat "$T/err")'"
"$VXN" pod-client --state-dir "$T/none" --gate "$T/gate" --launch-fd 3 --ready-fd 4 3<"$T/launch" \
  4>"$T/notpipe" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "ready-fd 4 is not a pipe" "$T/err" \
  && ok "pod-client whose ready fd is no pipe: exit 1" \
  || notok "pod-client whose ready fd is no pipe: exit $rc: $(cat "$T/err")"

echo "# $n checks, $failures failed"
[ "$failures" -eq 0 ]
