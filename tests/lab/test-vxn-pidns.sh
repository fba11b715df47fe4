#!/usr/bin/env bash
# The container's process is PID 1 of its own PID namespace in the guest when
# the spec asks for one (`vxn spec` does, as Docker, Podman and containerd
# do), so the kernel's rules for a namespace init hold as under runc: TERM
# and INT for which it has no handler are not delivered, from `vxn kill`,
# `kill --all` or a process in the container alike; KILL is (137). `ps`
# inside shows it as PID 1; exec'd processes join its namespace, are not its
# init and so die of a TERM that `vxn exec` forwards (143) or that `kill
# --all` sends; an orphan is reparented to it. Without a pid namespace in the
# spec, TERM kills the process (143): test-vxn-basic.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
out=$LAB_WORK/out
mkdir -p "$out"

make_bundle "$LAB_WORK/ns" -- /bin/sh -c 'echo ready; exec sleep 1000'
grep -q '{"type": "pid"}' "$LAB_WORK/ns/config.json" || fail "vxn spec wrote no pid namespace"
( vxn run --bundle "$LAB_WORK/ns" ns </dev/null >"$out/ns.out" 2>&1; echo $? >"$out/ns.status" ) &
wait_for_text "$out/ns.out" ready 600 || fail "ns never printed ready: $(cat "$out/ns.out")"

# ---- 1. ps inside: the entrypoint is PID 1; an exec is in the same namespace
vxn exec ns ps >"$out/ps" 2>&1 || fail "exec ps: $(cat "$out/ps")"
grep -Eq '^ *1 +root +([0-9:]+ +)?sleep 1000$' "$out/ps" || fail "ps: PID 1 is not sleep 1000: $(cat "$out/ps")"
grep -q ' /init$' "$out/ps" && fail "ps inside shows guest-init: $(cat "$out/ps")"
ns_self=$(vxn exec ns sh -c 'echo $$; readlink /proc/self/ns/pid; readlink /proc/1/ns/pid' 2>&1)
mapfile -t l <<<"$ns_self"
[ "${#l[@]}" = 3 ] && [ "${l[0]}" -gt 1 ] 2>/dev/null || fail "exec's own pid: $ns_self"
case ${l[1]} in pid:\[*\]) ;; *) fail "exec's pid namespace: $ns_self" ;; esac
expect_eq "exec in the namespace of PID 1" "${l[1]}" "${l[2]}"
say "ps inside: $(grep -E '^ *1 ' "$out/ps" | tr -s ' '); exec's pid ${l[0]}"

# ---- 2. TERM and INT without a handler do not reach PID 1
vxn kill ns TERM || fail "kill ns TERM"
vxn kill ns INT || fail "kill ns INT"
vxn exec ns kill -TERM 1 || fail "kill -TERM 1 from inside"
sleep 3
expect_eq "state after TERM and INT" "$(state_of ns)" running
[ ! -e "$out/ns.status" ] || fail "ns ended on TERM/INT: status $(cat "$out/ns.status")"

# ---- 3. an orphan is reparented to PID 1
orphan=$(vxn exec ns sh -c 'sleep 999 </dev/null >/dev/null 2>&1 & echo $!' 2>&1)
sleep 1
expect_eq "orphan's parent" "$(vxn exec ns sh -c "sed -n 's/^PPid:[[:space:]]*//p' /proc/$orphan/status" 2>&1)" 1

# ---- 4. an exec'd process is not the namespace's init: a TERM forwarded by
# vxn exec ends it (143), and kill --all reaches it while PID 1 ignores it
running() { vxn exec ns ps 2>/dev/null | grep -q "sleep $1\$"; }
wait_running() {
  local i
  for ((i = 0; i < 60; i++)); do running "$1" && return 0; sleep 1; done
  return 1
}
# (the binary itself in the background, so that $! is vxn exec's pid)
"$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" exec ns sleep 1001 </dev/null >/dev/null 2>&1 & c1=$!
wait_running 1001 || fail "exec sleep 1001 never ran"
kill -TERM "$c1"
wait "$c1"
expect_eq "exec'd process, TERM forwarded by vxn exec" "$?" 143
"$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" exec ns sleep 1002 </dev/null >/dev/null 2>&1 & c2=$!
wait_running 1002 || fail "exec sleep 1002 never ran"
vxn kill --all ns TERM || fail "kill --all ns TERM"
wait "$c2"
expect_eq "exec'd process after kill --all TERM" "$?" 143
sleep 2
expect_eq "state after kill --all TERM" "$(state_of ns)" running
running 999 && fail "kill --all TERM: the orphan still runs"

# ---- 5. KILL ends PID 1: 137
vxn kill ns KILL || fail "kill ns KILL"
wait_nonempty "$out/ns.status" 120 || fail "ns did not end on KILL"
expect_eq "status after KILL" "$(cat "$out/ns.status")" 137
vxn delete ns || fail "delete ns"
only_dom0 "after the pid namespace tests"
no_loops "after the pid namespace tests"
echo "ok"
