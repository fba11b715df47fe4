#!/usr/bin/env bash
# The warm pool on real Xen: `vxn pool fill` boots guests up to guest-init;
# create takes one (renamed, paused, root disk hot-plugged, launch data over
# the channel) and the container behaves as one booted for it (stdio apart,
# stdin, hostname, exit codes, exec, signals); a container sized otherwise,
# one whose writable root is shared (rootfs = share, the default; these
# tests use rootfs = disk otherwise) or one created when the pool is empty,
# boots its own; with pool_size in
# vxn.conf, create tops the pool up in the background; drain leaves nothing.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

out=$LAB_WORK/out
mkdir -p "$out"
# the pool serves disk roots: rootfs = disk, except where said otherwise
share_conf=$VXN_CONFIG
VXN_CONFIG=$(conf_with disk rootfs=disk)
pool_ready() { "$VXN" pool list | grep -c ' ready$'; }
pool_guests() { xl list | grep -c '^vxn-pool:'; }
took_pool() { grep -q "domain vxn-$1 (domid [0-9]*) taken from the pool" "$VXN_LOG"; }
drain_on_exit() { "$VXN" pool drain >/dev/null 2>&1; lab_cleanup; }
trap drain_on_exit EXIT

# ---- 1. bad input: one line, status 1, nothing booted
for bad in "fill" "fill x" "fill 65" "fill -1" "empty" ""; do
  # shellcheck disable=SC2086
  "$VXN" pool $bad >"$out/bad.out" 2>"$out/bad.err" && fail "pool $bad succeeded"
  [ -s "$out/bad.out" ] && fail "pool $bad wrote to stdout"
  grep -q "^vxn: error: pool" "$out/bad.err" || fail "pool $bad: $(cat "$out/bad.err")"
done
only_dom0 "after bad pool commands"

# ---- 2. fill: guests booted up to guest-init, waiting
t0=$(now_us)
vxn pool fill 2 || fail "pool fill 2"
say "pool fill 2: $(seconds_since "$t0") s"
expect_eq "ready pool guests" "$(pool_ready)" 2
expect_eq "pool guests in xl list" "$(pool_guests)" 2
vxn pool fill 2 || fail "pool fill 2 again"
expect_eq "a second fill 2 adds none" "$(pool_guests)" 2

# ---- 3. create/start takes a pool guest: created is paused, stdio apart, exit 3
make_bundle "$LAB_WORK/io" --cwd /tmp --env FOO=bar -- \
  /bin/sh -c 'echo out; echo err >&2; echo "FOO=$FOO"; pwd; hostname; cat; exit 3'
t0=$(now_us)
echo hello-stdin | vxn create --bundle "$LAB_WORK/io" io >"$out/io.out" 2>"$out/io.err" ||
  fail "create io exited $?"
say "create from the pool: $(seconds_since "$t0") s"
took_pool io || fail "io did not take a pool guest"
expect_eq "state after create" "$(state_of io)" created
expect_eq "pool guests left" "$(pool_ready)" 1
vxn start io || fail "start io"
wait_for_state io stopped 300 || fail "io did not stop within 300 s"
say "create to stopped: $(seconds_since "$t0") s"
expect_eq "stdout" "$(cat "$out/io.out")" "$(printf 'out\nFOO=bar\n/tmp\nvxn\nhello-stdin')"
expect_eq "stderr" "$(cat "$out/io.err")" "err"
expect_eq "exit-status" "$(cat "$VXN_ROOT/io/exit-status")" 3
vxn delete io || fail "delete io"
xl list | grep -q '^vxn-io ' && fail "domain of io left after delete"

# ---- 4. exec and TERM in a pooled container
make_bundle "$LAB_WORK/svc" -- /bin/sh -c 'trap "exit 8" TERM; echo ready; while :; do sleep 0.2; done'
( vxn run --bundle "$LAB_WORK/svc" svc </dev/null >"$out/svc.out" 2>&1
  echo $? >"$out/svc.status" ) &
wait_for_text "$out/svc.out" ready 300 || fail "svc never printed ready"
took_pool svc || fail "svc did not take a pool guest"
expect_eq "exec in a pooled guest" "$(vxn exec svc /bin/sh -c 'echo $((6 * 7))')" 42
vxn kill svc TERM || fail "kill svc TERM"
wait
expect_eq "run svc status after a trapped TERM" "$(cat "$out/svc.status")" 8
vxn delete svc || fail "delete svc"
expect_eq "pool guests after two containers" "$(pool_guests)" 0

# ---- 5. the pool is empty: create boots a guest of its own
make_bundle "$LAB_WORK/cold" -- /bin/sh -c 'echo cold; exit 5'
vxn run --bundle "$LAB_WORK/cold" cold </dev/null >"$out/cold.out" 2>&1
expect_eq "run cold status" "$?" 5
expect_eq "cold stdout" "$(cat "$out/cold.out")" cold
took_pool cold && fail "cold took a pool guest from an empty pool"
vxn delete cold || fail "delete cold"

# ---- 6. a container sized otherwise does not take a guest of the default size
vxn pool fill 1 || fail "pool fill 1"
make_bundle "$LAB_WORK/big" -- /bin/sh -c 'echo big'
sed -i '1s|^{$|{"annotations": {"org.xenproject.vxn.memory": "96"},|' "$LAB_WORK/big/config.json"
grep -q 'org.xenproject.vxn.memory' "$LAB_WORK/big/config.json" || fail "no annotation in big"
vxn run --bundle "$LAB_WORK/big" big </dev/null >"$out/big.out" 2>&1 || fail "run big: $(cat "$out/big.out")"
expect_eq "big stdout" "$(cat "$out/big.out")" big
took_pool big && fail "a 96 MiB container took a 64 MiB pool guest"
expect_eq "pool guests after the big container" "$(pool_ready)" 1
vxn delete big || fail "delete big"

# ---- 6b. rootfs = share: a writable root (kept in its rootfs over 9pfs) does
# not take a pool guest, which has no 9pfs device, and the log says why; a
# read-only root (nothing to keep) takes one
make_bundle "$LAB_WORK/shared" -- /bin/sh -c 'echo shared'
VXN_CONFIG=$share_conf vxn run --bundle "$LAB_WORK/shared" shared </dev/null >"$out/shared.out" 2>&1 ||
  fail "run shared: $(cat "$out/shared.out")"
took_pool shared && fail "a container with its root shared took a pool guest"
grep -q "the root's among them (vxn.conf: rootfs = share)" "$VXN_LOG" ||
  fail "the log does not say why the shared root took no pool guest"
vxn delete shared || fail "delete shared"
make_bundle "$LAB_WORK/roroot" -- /bin/sh -c 'echo ro-root'
sed -i 's/"readonly": false/"readonly": true/' "$LAB_WORK/roroot/config.json"
grep -q '"readonly": true' "$LAB_WORK/roroot/config.json" || fail "no read-only root in roroot"
VXN_CONFIG=$share_conf vxn run --bundle "$LAB_WORK/roroot" roroot </dev/null >"$out/roroot.out" 2>&1 ||
  fail "run roroot: $(cat "$out/roroot.out")"
expect_eq "read-only root stdout" "$(cat "$out/roroot.out")" ro-root
took_pool roroot || fail "a read-only root with rootfs = share did not take the pool guest"
vxn delete roroot || fail "delete roroot"
vxn pool fill 1 || fail "pool fill 1 after 6b"

# ---- 7. pool_size in vxn.conf: each create tops the pool up in the background
conf=$LAB_WORK/pool.conf
{ cat "$VXN_CONFIG"; echo "pool_size = 1"; } > "$conf"
vxn pool drain || fail "pool drain before pool_size"
wait_pool_ready() {
  local i
  for ((i = 0; i < 900; i++)); do
    [ "$(pool_ready)" = 1 ] && return 0
    sleep 0.1
  done
  return 1
}
VXN_CONFIG=$conf vxn run --bundle "$LAB_WORK/cold" refill1 </dev/null >"$out/refill1.out" 2>&1
expect_eq "run refill1 status" "$?" 5
took_pool refill1 && fail "refill1 took a pool guest from an empty pool"
wait_pool_ready || fail "pool_size = 1: no pool guest after a create"
VXN_CONFIG=$conf vxn run --bundle "$LAB_WORK/cold" refill2 </dev/null >"$out/refill2.out" 2>&1
expect_eq "run refill2 status" "$?" 5
took_pool refill2 || fail "refill2 did not take the refilled pool guest"
wait_pool_ready || fail "pool_size = 1: the pool was not topped up again"
expect_eq "pool guests with pool_size = 1" "$(pool_guests)" 1
vxn delete refill1 && vxn delete refill2 || fail "delete refill1/refill2"

# ---- 8. drain: nothing left
vxn pool drain || fail "pool drain"
only_dom0 "after drain"
no_loops "after drain"
[ -z "$(ls -A "$VXN_ROOT" 2>/dev/null)" ] || fail "state left: $(ls "$VXN_ROOT")"
echo "PASS"
