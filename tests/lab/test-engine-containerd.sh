#!/usr/bin/env bash
# containerd (ctr) driving vxn through the shim configs/engines/
# containerd-shim-vxn-v2: `ctr run --runtime io.containerd.vxn.v2`, output and
# exit codes, `ctr run -d` + `ctr task kill` (a plain sleep, PID 1 of its
# namespace, ignores TERM; then KILL) + `ctr task exec ps` +
# `ctr task delete`; `ctr task exec` (once vxn has exec). One containerd, its
# state in a private tmpfs; afterwards nothing is left.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/engine-lib.sh"
engine_init containerd /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2
engine_image
E=$ENGINE_DIR
RT=io.containerd.vxn.v2
# the shim's default --root for runc-compatible runtimes, namespace "default"
SHIM_ROOT=/run/containerd/runc/default

# The shim, found by containerd on its PATH by the runtime name.
engine_config containerd-shim-vxn-v2 > "$E/bin/containerd-shim-vxn-v2"
chmod 755 "$E/bin/containerd-shim-vxn-v2"
cat > "$E/containerd.toml" <<CONF
version = 2
root = "$E/root"
state = "$E/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$E/containerd.sock"
[ttrpc]
  address = "$E/containerd.sock.ttrpc"
CONF
t0=$(now_us)
engine_daemon "$E/containerd.log" env PATH="$E/bin:$PATH" VXN_SHIM_RUNC_DIR="$E/shim-bin" \
  containerd --config "$E/containerd.toml"
export CONTAINERD_ADDRESS=$E/containerd.sock
wait_until 60 ctr version || fail "containerd did not answer within 60 s"
say "containerd up: $(seconds_since "$t0") s"
ctr image import "$ENGINE_IMAGE" >/dev/null || fail "ctr image import"
ctr image ls -q | grep -qx "$IMAGE" || fail "image $IMAGE not imported: $(ctr image ls -q)"

# ---- 1. output, stderr and the exit status through `ctr run --rm` (one
# container: each boots a guest)
t0=$(now_us)
out=$(ctr run --rm --runtime "$RT" "$IMAGE" hello sh -c 'echo hello; echo to-stderr >&2; exit 3' \
  2>"$E/hello.err")
rc=$?
say "ctr run --rm sh -c 'echo hello; ...; exit 3': $(seconds_since "$t0") s"
expect_eq "ctr run output" "$out" hello
expect_eq "exit status of sh -c '...; exit 3'" "$rc" 3
grep -q to-stderr "$E/hello.err" || fail "stderr of the container not on ctr's stderr: $(cat "$E/hello.err")"

# ---- 2. detached: exec, then TERM is ignored, KILL ends it, delete
# a plain sleep, no trap: PID 1 of its PID namespace, it ignores TERM as under runc
ctr run -d --runtime "$RT" --log-uri "file://$E/bg.out" "$IMAGE" bg \
  sh -c 'echo ready; exec sleep 1000' >/dev/null || fail "ctr run -d"
task_status() { ctr task ls | awk -v id="$1" '$1 == id { print $3 }'; }
is_status() { [ "$(task_status "$1")" = "$2" ]; }
# RUNNING is the unpaused guest; sleep runs once it printed ready
wait_for_text "$E/bg.out" ready 300 || fail "bg never printed ready: $(task_status bg)"
expect_eq "status of a running task" "$(task_status bg)" RUNNING
[ -d "$SHIM_ROOT/bg" ] || fail "no vxn state in the shim's root $SHIM_ROOT"
if vxn_has_verb exec; then
  out=$(ctr task exec --exec-id e1 bg sh -c 'echo exec-ok; exit 5')
  rc=$?
  expect_eq "ctr task exec output" "$out" exec-ok
  expect_eq "ctr task exec exit status" "$rc" 5
  # PID 1 is the sleep; containerd's default capabilities, as runc applies
  # them (one exec for both)
  ctr task exec --exec-id e2 bg sh -c 'ps; echo ---; grep -E "^Cap(Eff|Bnd)" /proc/1/status' \
    >"$E/ps.out" 2>&1 || fail "ctr task exec ps: $(cat "$E/ps.out")"
  sed '/^---$/,$d' "$E/ps.out" | grep -Eq '^ *1 +root +([0-9:]+ +)?sleep 1000$' ||
    fail "ctr task exec ps: PID 1 is not sleep 1000: $(cat "$E/ps.out")"
  expect_eq "ctr: PID 1's capabilities" "$(sed '1,/^---$/d' "$E/ps.out")" \
    "$(printf 'CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb')"
else
  skip_part "ctr task exec: vxn has no exec verb yet"
fi
ctr task kill bg || fail "ctr task kill (TERM)"
sleep 3
expect_eq "status of sleep as PID 1 after TERM" "$(task_status bg)" RUNNING
ctr task kill -s SIGKILL bg || fail "ctr task kill -s SIGKILL"
wait_until 60 is_status bg STOPPED || fail "bg not STOPPED after KILL: $(task_status bg)"
ctr task delete bg >"$E/delete.out" 2>&1
rc=$?
say "ctr task delete: exit $rc $(cat "$E/delete.out")"
[ $rc -eq 137 ] || [ $rc -eq 0 ] || fail "ctr task delete exited $rc"
ctr container delete bg || fail "ctr container delete"

# ---- 3. volumes: ctr run --mount type=bind (read-write dir, read-only file)
volume_host_dirs
out=$(ctr run --rm --runtime "$RT" \
  --mount "type=bind,src=$E/vol,dst=/data,options=rbind:rw" \
  --mount "type=bind,src=$E/vol-file,dst=/f,options=bind:ro" \
  "$IMAGE" vol sh -c "$VOLUME_SCRIPT" 2>"$E/vol.err")
volume_check "ctr run --mount type=bind" "$out"

# ---- 4. nothing left
[ -z "$(ctr task ls -q)" ] || fail "tasks left: $(ctr task ls -q)"
engine_stop
engine_final_checks "after containerd" "$SHIM_ROOT"
echo "ok"
