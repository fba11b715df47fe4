#!/usr/bin/env bash
# The root disk image cache on real Xen (vxn.conf rootdisk_cache = N): the
# first container of a rootfs makes its image and keeps a copy, the next one
# of the unchanged rootfs gets a copy instead of a new mke2fs; each copy is
# the container's own (what one container writes, the next never sees); a
# changed rootfs makes a new image, kept only once the tree has been still
# for a few seconds; the cache keeps at most N images.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init

out=$LAB_WORK/out
cache=$VXN_ROOT/.rootdisk-cache
mkdir -p "$out"
VXN_CONFIG=$(conf_with cached rootfs=disk rootdisk_cache=2)
hits() { grep -c 'rootdisk cache: hit' "$VXN_LOG"; }
misses() { grep -c 'rootdisk cache: miss' "$VXN_LOG"; }
images() { find "$cache" -name '*.img' 2>/dev/null | wc -l; }
run_it() {  # run_it BUNDLE ID: its stdout in $out/ID.out, fails unless status 0
  vxn run --bundle "$1" "$2" </dev/null >"$out/$2.out" 2>"$out/$2.err" ||
    fail "run $2: $(cat "$out/$2.err")"
}

make_bundle "$LAB_WORK/a" -- /bin/sh -c \
  'cat /marker 2>/dev/null || echo none; echo written > /marker; ls /added 2>/dev/null || echo no-added'
settle() { sleep 3; }  # a tree changed within the last 2 s is not kept
settle

# ---- 1. the first container makes the image and keeps a copy
run_it "$LAB_WORK/a" c1
expect_eq "c1 output" "$(cat "$out/c1.out")" "$(printf 'none\nno-added')"
expect_eq "misses after c1" "$(misses)" 1
expect_eq "hits after c1" "$(hits)" 0
expect_eq "images after c1" "$(images)" 1

# ---- 2. the next one gets a copy: c1's write is not in it
t0=$(now_us)
run_it "$LAB_WORK/a" c2
say "run from the cache: $(seconds_since "$t0") s"
expect_eq "c2 output (c1 wrote /marker into its own copy)" "$(cat "$out/c2.out")" \
  "$(printf 'none\nno-added')"
expect_eq "hits after c2" "$(hits)" 1
run_it "$LAB_WORK/a" c3
expect_eq "c3 output" "$(cat "$out/c3.out")" "$(printf 'none\nno-added')"
expect_eq "hits after c3" "$(hits)" 2

# ---- 3. a changed rootfs makes a new image, kept once the tree is still
echo x > "$LAB_WORK/a/rootfs/added"
run_it "$LAB_WORK/a" c4
expect_eq "c4 output" "$(cat "$out/c4.out")" "$(printf 'none\n/added')"
expect_eq "misses after c4" "$(misses)" 2
expect_eq "images after c4 (its tree changed just now: not kept)" "$(images)" 1
settle
run_it "$LAB_WORK/a" c5
expect_eq "c5 output" "$(cat "$out/c5.out")" "$(printf 'none\n/added')"
expect_eq "misses after c5" "$(misses)" 3
expect_eq "images after c5" "$(images)" 2
run_it "$LAB_WORK/a" c6
expect_eq "c6 output" "$(cat "$out/c6.out")" "$(printf 'none\n/added')"
expect_eq "hits after c6" "$(hits)" 3

# ---- 4. at most rootdisk_cache images: a third rootfs pushes one out
make_bundle "$LAB_WORK/b" -- /bin/echo b
settle
run_it "$LAB_WORK/b" d1
expect_eq "d1 output" "$(cat "$out/d1.out")" b
expect_eq "images after a third rootfs" "$(images)" 2

# ---- 5. EROFS images are cached too
VXN_CONFIG=$(conf_with erofs rootfs=disk rootdisk_cache=2 disk_format=erofs)
run_it "$LAB_WORK/b" e1
run_it "$LAB_WORK/b" e2
expect_eq "e2 output" "$(cat "$out/e2.out")" b
expect_eq "hits after the second erofs run" "$(hits)" 4

for id in c1 c2 c3 c4 c5 c6 d1 e1 e2; do vxn delete "$id" || fail "delete $id"; done
only_dom0 "after the cache tests"
no_loops "after the cache tests"
expect_eq "state root: only the cache" "$(ls -A "$VXN_ROOT")" .rootdisk-cache
echo "ok"
