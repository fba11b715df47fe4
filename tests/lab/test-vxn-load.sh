#!/usr/bin/env bash
# Load (issue 24): VXN_LOAD_CONCURRENT (30) containers created and run at
# once, each with the right output and exit status; then VXN_SOAK_CYCLES
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
n=${VXN_LOAD_CONCURRENT:-30}
cycles=${VXN_SOAK_CYCLES:-0}
VXN_CONFIG=$(conf_with load rootfs=disk memory_mib=40)

make_bundle "$LAB_WORK/b" -- /bin/sh -c 'echo "out-$N"; echo "err-$N" >&2; exit $((N % 50))'

# ---- warm up (the first create reads the kernel and tools from the host)
vxn run --rm --bundle "$LAB_WORK/b" warm >/dev/null 2>&1 </dev/null
mem0=$(xen_free_mib) c0=$(dom0_counts) f0=$(files_open)
say "before: Xen free ${mem0} MiB, $c0 files=$f0"

# ---- N at once: each its own bundle (its N in the environment)
for ((i = 1; i <= n; i++)); do
  cp -a "$LAB_WORK/b" "$LAB_WORK/b$i"
  sed -i "s|\"PATH=/bin:/usr/bin\"|\"PATH=/bin:/usr/bin\", \"N=$i\"|" "$LAB_WORK/b$i/config.json"
done
t0=$(now_us)
for ((i = 1; i <= n; i++)); do
  ( vxn run --rm --bundle "$LAB_WORK/b$i" "l$i" </dev/null >"$out/l$i.out" 2>"$out/l$i.err"
    echo $? >"$out/l$i.status" ) &
done
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
say "$n concurrent vxn run: all right statuses and output, $took s in all" \
  "(grant limit now $(cat /sys/module/xen_gntalloc/parameters/limit 2>/dev/null))"
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
