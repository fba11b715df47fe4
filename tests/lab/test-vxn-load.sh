#!/usr/bin/env bash
# Load (issue 24): VXN_LOAD_CONCURRENT containers created and run at once,
# all up together, each with the right output and exit status (10 in
# `bash tests/run`, to keep a full run in its budget; 30, the issue's
# figure, by hand: tests/RELIABILITY.md); then VXN_SOAK_CYCLES
# (0 here; 500 by hand, tests/RELIABILITY.md) create/start/exit/delete
# cycles one after the other. dom0's resources are counted before and after
# each part and must not grow: Xen's free memory, dom0's event channels,
# loop devices, open files, xenstore nodes, vxn and QEMU processes.
# rootfs = disk: 30 QEMU backends (rootfs = share) would not fit the lab
# dom0's 1 GiB; memory_mib = 40 so that 30 guests fit Xen's free memory.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
out=$LAB_WORK/out
mkdir -p "$out"
n=${VXN_LOAD_CONCURRENT:-10}
cycles=${VXN_SOAK_CYCLES:-0}
VXN_CONFIG=$(conf_with load rootfs=disk memory_mib=40)

# each prints, then waits for a line on stdin: all N are up at once
make_bundle "$LAB_WORK/b" -- /bin/sh -c 'echo "out-$N"; echo "err-$N" >&2; read go; exit $((N % 50))'

# ---- warm up (the first create reads the kernel and tools from the host)
vxn run --rm --bundle "$LAB_WORK/b" warm >/dev/null 2>&1 </dev/null
mem0=$(xen_free_mib) c0=$(dom0_counts) f0=$(files_open)
say "before: Xen free ${mem0} MiB, $c0 files=$f0"

# ---- N at once: each its own bundle (its N in the environment), all on
# the one rootfs (each gets a root disk of its own from it)
for ((i = 1; i <= n; i++)); do
  mkdir -p "$LAB_WORK/b$i"
  sed -e "s|\"PATH=/bin:/usr/bin\"|\"PATH=/bin:/usr/bin\", \"N=$i\"|" \
    -e "s|\"path\": \"rootfs\"|\"path\": \"$LAB_WORK/b/rootfs\"|" \
    "$LAB_WORK/b/config.json" >"$LAB_WORK/b$i/config.json"
  grep -q "\"N=$i\"" "$LAB_WORK/b$i/config.json" && grep -q "$LAB_WORK/b/rootfs" "$LAB_WORK/b$i/config.json" ||
    fail "bundle b$i: config.json not edited"
done
t0=$(now_us)
feeds=()
for ((i = 1; i <= n; i++)); do
  mkfifo "$out/l$i.in"
  ( vxn run --rm --bundle "$LAB_WORK/b$i" "l$i" <"$out/l$i.in" >"$out/l$i.out" 2>"$out/l$i.err"
    echo $? >"$out/l$i.status" ) &
  exec {fd}>"$out/l$i.in"
  feeds+=("$fd")
done
all_up() {
  local i
  for ((i = 1; i <= n; i++)); do grep -qx "out-$i" "$out/l$i.out" || return 1; done
}
wait_until 600 all_up || fail "not all $n up after 600 s: $(grep -L out- "$out"/l*.out | tr '\n' ' ')"
up_s=$(seconds_since "$t0")
limit=$(cat /sys/module/xen_gntalloc/parameters/limit 2>/dev/null)
running=$(xl list | grep -c '^vxn-l')
# the grant count of dom0_counts sees them (each channel alone is 320 pages):
# a count that stays 0 here could never show a leak
grants_up=$(active_grants)
for fd in "${feeds[@]}"; do echo go >&"$fd"; exec {fd}>&-; done
wait
took=$(seconds_since "$t0")
bad=0
for ((i = 1; i <= n; i++)); do
  st=$(cat "$out/l$i.status" 2>/dev/null)
  if [ "$st" != $((i % 50)) ] || [ "$(cat "$out/l$i.out")" != "out-$i" ] ||
     ! grep -qx "err-$i" "$out/l$i.err"; then
    echo "# l$i: status '$st', stdout '$(cat "$out/l$i.out")', stderr '$(head -c 300 "$out/l$i.err")'"
    bad=$((bad + 1))
  fi
done
[ "$bad" -eq 0 ] || fail "$bad of $n concurrent runs had a wrong status or output"
# each channel shares dom0 pages with its guest: dom0's default grant
# limit (xen_gntalloc limit=1024) holds three, and vxn raises it as needed
expect_eq "guests running at once" "$running" "$n"
[[ $grants_up =~ ^[0-9]+$ ]] && [ "$grants_up" -ge $((n * 320)) ] ||
  fail "active grants with $n guests up: '$grants_up', want at least $((n * 320))"
say "$n vxn run at once: all up and running together after $up_s s (grant limit then $limit, $grants_up grants active);" \
  "all right statuses and output, $took s in all"
same_dom0_counts "after $n concurrent runs" "$c0"
free_back "after $n concurrent runs" "$mem0"
files_back "after $n concurrent runs" "$f0"
[ -z "$(ls -A "$VXN_ROOT")" ] || fail "state left: $(ls -A "$VXN_ROOT")"
only_dom0 "after $n concurrent runs"

# ---- the soak: one after the other
if [ "$cycles" -gt 0 ]; then
  t0=$(now_us)
  for ((i = 1; i <= cycles; i++)); do
    st=0
    got=$(vxn run --rm --bundle "$LAB_WORK/b7" "s$i" </dev/null 2>/dev/null) || st=$?
    [ "$st" = 7 ] && [ "$got" = out-7 ] || fail "soak cycle $i: status $st, stdout '$got'"
    [ $((i % 50)) -ne 0 ] || say "soak: $i cycles, $(seconds_since "$t0") s, Xen free $(xen_free_mib) MiB, $(dom0_counts) files=$(files_open)"
  done
  same_dom0_counts "after $cycles cycles" "$c0"
  free_back "after $cycles cycles" "$mem0"
  files_back "after $cycles cycles" "$f0"
  say "soak: $cycles create/start/exit/delete cycles in $(seconds_since "$t0") s: nothing grew"
fi
say "after: Xen free $(xen_free_mib) MiB, $(dom0_counts) files=$(files_open)"
echo PASS
