#!/usr/bin/env bash
# process.capabilities (bounding, effective, permitted, inheritable,
# ambient), noNewPrivileges and oomScoreAdj are applied in the guest as runc
# applies them, to the container's process and to an exec'd one (which takes
# the container's process settings). The expected lines are what runc 1.1.5
# gives for the same config.json on a Linux 6.1 host (a non-root user whose
# ambient set keeps KILL and NET_BIND_SERVICE across the exec).
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
out=$LAB_WORK/out
mkdir -p "$out"

show='grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status | tr -s "\t" " "; cat /proc/self/oom_score_adj'
make_bundle "$LAB_WORK/caps" --uid 1000 --gid 1000 -- /bin/sh -c "$show; echo ready; exec sleep 1000"
caps='"capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"],
 "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
 "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
 "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
 "ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NOT_IN_THIS_KERNEL"]},'
# vxn spec writes the capabilities on one line, as make_bundle edits it
sed -i "s/^    \"capabilities\": .*$/    \"oomScoreAdj\": 200, ${caps//$'\n'/}/" "$LAB_WORK/caps/config.json"
grep -q '"oomScoreAdj": 200, "capabilities": {"bounding": \["CAP_CHOWN"' "$LAB_WORK/caps/config.json" ||
  fail "caps: config.json not edited: $(cat "$LAB_WORK/caps/config.json")"
want=$(printf '%s\n' 'CapInh: 0000000000000420' 'CapPrm: 0000000000000420' \
  'CapEff: 0000000000000420' 'CapBnd: 00000000000004a1' 'CapAmb: 0000000000000420' \
  'NoNewPrivs: 1' 200)

( vxn run --bundle "$LAB_WORK/caps" caps </dev/null >"$out/caps.out" 2>&1; echo $? >"$out/caps.status" ) &
wait_for_text "$out/caps.out" ready 600 || fail "caps never printed ready: $(cat "$out/caps.out")"
grep -q "ignoring unknown or unavailable capability 'CAP_NOT_IN_THIS_KERNEL'" "$VXN_LOG" ||
  fail "no warning for an unknown capability"
expect_eq "the container's process" "$(sed '/^ready$/,$d' "$out/caps.out")" "$want"
expect_eq "an exec'd process" "$(vxn exec caps /bin/sh -c "$show" 2>&1)" "$want"
# the user cannot raise what it was not given
vxn exec caps /bin/sh -c 'echo 1 > /proc/self/oom_score_adj' 2>/dev/null &&
  fail "oom_score_adj lowered without CAP_SYS_RESOURCE"
say "capabilities, noNewPrivileges and oomScoreAdj as runc: $(echo $want)"
vxn kill caps KILL || fail "kill caps"
wait_nonempty "$out/caps.status" 120 || fail "caps did not end on KILL"
vxn delete caps || fail "delete caps"

# ---- vxn spec's set (runc spec's), and a spec without capabilities: none (as runc)
make_bundle "$LAB_WORK/dflt" -- /bin/sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'
expect_eq "vxn spec's capabilities" "$(vxn run --bundle "$LAB_WORK/dflt" dflt </dev/null 2>&1)" \
  "$(printf 'CapEff:\t0000000020000420\nCapBnd:\t0000000020000420')"
vxn delete dflt || fail "delete dflt"
make_bundle "$LAB_WORK/none" -- /bin/sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'
sed -i '/^    "capabilities": /d' "$LAB_WORK/none/config.json"
expect_eq "no capabilities in the spec" "$(vxn run --bundle "$LAB_WORK/none" none </dev/null 2>&1)" \
  "$(printf 'CapEff:\t0000000000000000\nCapBnd:\t0000000000000000')"
vxn delete none || fail "delete none"
only_dom0 "after the privileges tests"
no_loops "after the privileges tests"
echo "ok"
