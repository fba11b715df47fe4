#!/usr/bin/env bash
# vdkr, the daemonless frontend (vdkr/), against a real registry: Debian's
# docker-registry (the distribution registry 2.8) on 127.0.0.1 in dom0, the
# busybox test image pushed to it with skopeo. Pull on first run, exit
# statuses (the container's, 127 for a missing command, 125 for the
# frontend's own errors), -e/--env-file/-w/-u/--hostname/--entrypoint/-m/
# --cpus/-i, -v (a host directory read-write and read-only, a host file;
# bad -v refused with 125), stdout and stderr apart, -d + logs + exec + stop + wait + ps +
# rm, rmi refused while a container uses the image, load of a
# docker-archive, pull of an oci-archive (layers shared in the store), two
# pulls at once, a killed pull, an unreachable registry, vmemres (the warm
# pool), vpdmn's spelling; nothing left behind after --rm.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
lab_init
for tool in docker-registry skopeo umoci jq; do
  command -v "$tool" >/dev/null || skip "$tool not installed (tests/deps.sh)"
done
VDKR=$VXN_BUILD_DIR/vdkr/vdkr
[ -x "$VDKR" ] || skip "vdkr not built ($VDKR)"
# The engine tests' busybox image: a docker-archive of localhost/bb:latest
# (tests/run builds it on the host; built here otherwise, which is slow).
ENGINE_IMAGE=${VXN_ENGINE_IMAGE:-}
if [ -z "$ENGINE_IMAGE" ] || [ ! -s "$ENGINE_IMAGE" ]; then
  ENGINE_IMAGE=$LAB_WORK/image.tar
  TMPDIR=$LAB_WORK "$here/build-engine-image" "$ENGINE_IMAGE" >"$LAB_WORK/image.log" 2>&1 ||
    { cat "$LAB_WORK/image.log"; fail "building the test image"; }
fi

# umoci applies layers (chown, device nodes): a tmpfs of its own, not dom0's
# overlay root.
W=$LAB_WORK/vdkr
mkdir -p "$W" && mount -t tmpfs -o size=600m vdkr-test "$W" || fail "tmpfs for the store"
ROOT=$W/root
VLOG=$LAB_WORK/vdkr.log
vdkr() { "$VDKR" --root "$ROOT" --log "$VLOG" --debug "$@"; }
fail() { echo "FAIL: $*"; echo "--- vdkr log (tail):"; tail -n 40 "$VLOG" 2>/dev/null; lab_dump; exit 1; }
REG_PID=
vdkr_cleanup() {
  local d
  for d in "$ROOT"/run/*/ "$W"/root2/run/*/; do
    [ -d "$d" ] && "$VXN" --root "$(dirname "$d")" delete --force "$(basename "$d")" >/dev/null 2>&1
  done
  [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null
  [ -n "${XENLAB_OUT:-}" ] && cp "$VLOG" "$XENLAB_OUT/lab-logs/test-vdkr.vdkr.log" 2>/dev/null
  umount "$W" 2>/dev/null
  lab_cleanup
}
trap vdkr_cleanup EXIT

# ---- the registry, on the loopback (dom0 boots with lo down)
ip link set lo up || fail "ip link set lo up"
PORT=5000
REG=127.0.0.1:$PORT
mkdir -p "$W/registry"
cat > "$W/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $W/registry/data
  delete:
    enabled: true
http:
  addr: $REG
EOF
docker-registry serve "$W/registry/config.yml" > "$W/registry/log" 2>&1 &
REG_PID=$!
reg_up() { curl -fsS "http://$REG/v2/" >/dev/null 2>&1; }
wait_until 60 reg_up || { cat "$W/registry/log"; fail "docker-registry did not answer on $REG"; }
push() { skopeo copy -q --dest-tls-verify=false "docker-archive:$ENGINE_IMAGE" "docker://$REG/$1"; }
push busybox:latest && push busybox:two && push other:latest || fail "skopeo push to $REG"
say "registry on $REG with busybox:latest, busybox:two, other:latest"
IMG=$REG/busybox

# ---- 1. run --rm: pulled on first use, output, nothing left
t0=$(now_us)
out=$(vdkr run --rm "$IMG" echo hello 2>"$W/first.err")
rc=$?
say "first vdkr run --rm (pull + unpack + run): $(seconds_since "$t0") s"
[ $rc -eq 0 ] || { cat "$W/first.err"; fail "vdkr run echo hello exited $rc"; }
expect_eq "vdkr run output" "$out" hello
grep -q "Unable to find image '$IMG' locally" "$W/first.err" || fail "first run did not say it pulls"
vdkr images > "$W/images" || fail "vdkr images"
grep -q "^$IMG  *latest " "$W/images" || { cat "$W/images"; fail "images does not list $IMG"; }
only_dom0 "after run --rm"
no_loops "after run --rm"
[ -z "$(ls -A "$ROOT/run" 2>/dev/null | grep -v '^\.')" ] || fail "vxn state left after --rm: $(ls "$ROOT/run")"
[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] || fail "container dirs left after --rm"
[ -z "$(ls -A "$ROOT/names" 2>/dev/null)" ] || fail "names left after --rm"

# ---- 2. exit statuses like the docker CLI's
vdkr run --rm "$IMG" nosuchcommand 2>"$W/127.err"
expect_eq "unknown command" $? 127
grep -q 'executable file not found' "$W/127.err" || fail "127 without a reason: $(cat "$W/127.err")"
vdkr run --rm --bogus-flag "$IMG" true 2>"$W/125.err"
expect_eq "bad flag" $? 125
[ "$(wc -l < "$W/125.err")" -eq 1 ] || fail "bad flag: not one line: $(cat "$W/125.err")"
# a bad -v: refused before any guest, one line naming it, nothing left
bad_volume() {
  local want=$1
  shift
  vdkr run --rm "$@" "$IMG" true 2>"$W/vol.err"
  expect_eq "bad -v ($*)" $? 125
  grep -qF -- "$want" "$W/vol.err" || fail "bad -v ($*): $(cat "$W/vol.err")"
  [ "$(wc -l < "$W/vol.err")" -eq 1 ] || fail "bad -v ($*): not one line: $(cat "$W/vol.err")"
}
bad_volume "bind source path does not exist: /nonexistent-vdkr-src" -v /nonexistent-vdkr-src:/data
bad_volume "invalid mount path: 'data' mount path must be absolute" -v /tmp:data
bad_volume "named volumes are not supported by vdkr" -v myvolume:/data
bad_volume "option 'z' not supported by vdkr" -v /tmp:/data:z
bad_volume "Duplicate mount point: /data" -v /tmp:/data -v /etc:/data/
[ ! -e /nonexistent-vdkr-src ] || fail "a bad -v made its source"
vdkr run --rm -p 80:80 "$IMG" true 2>"$W/port.err"
expect_eq "-p" $? 125
grep -q 'not supported yet by vxn: published ports' "$W/port.err" || fail "-p: $(cat "$W/port.err")"
vdkr run --rm 'Not/A:Ref!' true 2>"$W/ref.err"
expect_eq "malformed reference" $? 125
grep -q 'invalid reference format' "$W/ref.err" || fail "bad ref: $(cat "$W/ref.err")"
vdkr run --rm "$REG/nosuch" true 2>"$W/nosuch.err"
expect_eq "unknown image" $? 125
grep -q 'manifest unknown' "$W/nosuch.err" || fail "unknown image: $(cat "$W/nosuch.err")"
vdkr frobnicate 2>/dev/null
expect_eq "unknown command" $? 125
[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] || fail "a failed run left a container dir"
only_dom0 "after the failed runs"

# ---- 3. the flags that shape the process and the guest (few runs: each
# boots a guest, minutes under a loaded emulation)
printf 'FROMFILE=yes\n# a comment\n\nOVER=file\n' > "$W/env-file"
export FROMHOST=host
t0=$(now_us)
out=$(vdkr run --rm -e FOO=bar -e FROMHOST --env-file "$W/env-file" -e OVER=flag -w /tmp \
  -u user --hostname hx "$IMG" \
  sh -c 'echo "$FOO $FROMHOST $FROMFILE $OVER $(pwd) $(id -u):$(id -g) $(hostname)"; echo err >&2; exit 3' \
  2>"$W/stderr")
rc=$?
say "second vdkr run --rm (image in the store): $(seconds_since "$t0") s"
expect_eq "the container's exit status" $rc 3
expect_eq "-e --env-file -w -u --hostname, stdout alone" "$out" "bar host yes flag /tmp 1000:1000 hx"
expect_eq "stderr alone" "$(cat "$W/stderr")" err
# -m 256m: more than any default guest (64 MiB, 128 with a stock kernel)
# even after the guest kernel's own share (about 48 MiB for Debian's)
out=$(vdkr run --rm --entrypoint /bin/sh -m 256m --cpus 2 "$IMG" -c \
  'echo $(grep -c ^processor /proc/cpuinfo) $(sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo)')
set -- $out
expect_eq "--cpus 2: the guest's CPUs" "${1:-}" 2
[ "${2:-0}" -gt 163840 ] && [ "${2:-0}" -le 262144 ] || fail "-m 256m: MemTotal ${2:-?} kB ($out)"
# -i, through vpdmn (the same program under podman's name) on the same store
out=$(echo piped | "$VXN_BUILD_DIR/vdkr/vpdmn" --root "$ROOT" --log "$VLOG" run --rm -i "$IMG" cat)
expect_eq "vpdmn run -i" "$out" piped
"$VXN_BUILD_DIR/vdkr/vpdmn" --root "$ROOT" frob 2>&1 | grep -q "is not a vpdmn command" ||
  fail "vpdmn's spelling"
# -t: the monitor's pty comes to vdkr over the console socket and is relayed
out=$(vdkr run --rm -t "$IMG" sh -c 'tty; exit 5' </dev/null)
expect_eq "-t: the exit status" $? 5
[[ $out == /dev/pts/* ]] || fail "-t: the container's stdin is not a pty: '$out'"
vdkr run --rm -d -t "$IMG" true 2>"$W/dt.err"
expect_eq "-d -t" $? 125
say "flags: -e --env-file -w -u --hostname --entrypoint -m --cpus -i -t, stdout/stderr apart"

# ---- 4. -v: host paths served to the guest (9pfs, a QEMU in dom0 per
# container with volumes), read-write and read-only, in one guest
[ -x /usr/libexec/xen-qemu-system-i386 ] ||
  fail "no /usr/libexec/xen-qemu-system-i386 (qemu-system-xen, tests/deps.sh): -v cannot work"
# libxl gives QEMU 60 s to start; dom0 reads it from the host over 9p: once
# before the run, as test-vxn-volumes does
/usr/libexec/xen-qemu-system-i386 --version >/dev/null 2>&1
V=$W/volumes
mkdir -p "$V/rw" "$V/ro" || fail "mkdir $V"
echo from-host > "$V/rw/host-file"
echo ro-data > "$V/ro/ro-file"
echo single-file > "$V/single"
t0=$(now_us)
out=$(vdkr run --rm -v "$V/rw:/data" --volume "$V/ro/:/ro:ro" -v "$V/single:/etc/single.conf:ro" \
  "$IMG" sh -c 'cat /data/host-file; echo from-guest > /data/guest-file; cat /ro/ro-file
    cat /etc/single.conf
    if echo x > /ro/x; then echo ro-write-made; fi
    if echo x > /etc/single.conf; then echo ro-file-write-made; fi' 2>"$W/vol-run.err")
rc=$?
say "vdkr run -v (3 volumes): $(seconds_since "$t0") s"
printf '%s\n' "$out" | sed 's/^/# guest: /'
sed 's/^/# guest stderr: /' "$W/vol-run.err"
[ $rc -eq 0 ] || { cat "$W/vol-run.err"; fail "vdkr run -v exited $rc"; }
expect_eq "-v: the guest read the host's file" "$(sed -n 1p <<<"$out")" from-host
expect_eq "-v: the host sees the guest's file" "$(cat "$V/rw/guest-file" 2>&1)" from-guest
expect_eq "-v :ro: the guest read it" "$(sed -n 2p <<<"$out")" ro-data
expect_eq "-v FILE:ro: the guest read it" "$(sed -n 3p <<<"$out")" single-file
grep -q 'ro-write-made\|ro-file-write-made' <<<"$out" && fail "a write to a -v :ro volume succeeded"
expect_eq "the guest's refusals" "$(grep -c 'Read-only file system' "$W/vol-run.err")" 2
expect_eq "-v :ro: the host directory" "$(ls -A "$V/ro")" ro-file
expect_eq "-v FILE:ro: the host file" "$(cat "$V/single")" single-file
only_dom0 "after run -v --rm"
no_loops "after run -v --rm"
for _ in $(seq 50); do pgrep -f xen-qemu-system-i386 >/dev/null || break; sleep 0.2; done
pgrep -fa xen-qemu-system-i386 && fail "a QEMU left after run -v --rm"
grep " $ROOT/" /proc/mounts && fail "mounts left under the store after run -v --rm"
[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] || fail "container dirs left after run -v --rm"
say "-v: a host directory read-write and read-only, a host file read-only"

# ---- 7. registries that cannot be reached fail fast, in one line: no
# longer than a few times a pull that succeeds (each is one skopeo run,
# which alone takes many seconds under a loaded emulation)
t0=$(now_us)
vdkr pull -q "$IMG" >/dev/null || fail "pull of an image in the store"
ok_s=$((($(now_us) - t0) / 1000000))
bound=$((3 * ok_s + 10))
for ref in 127.0.0.1:1/busybox docker.io/library/busybox; do
  t0=$(now_us)
  vdkr run --rm "$ref" true 2>"$W/unreach.err"
  expect_eq "an unreachable registry ($ref)" $? 125
  secs=$((($(now_us) - t0) / 1000000))
  grep -q "cannot reach registry ${ref%%/*}" "$W/unreach.err" || fail "$ref: $(cat "$W/unreach.err")"
  [ "$(wc -l < "$W/unreach.err")" -le 2 ] || fail "$ref: more than a line: $(cat "$W/unreach.err")"
  [ $secs -le $bound ] || fail "$ref: $secs s, more than 3x a pull that works ($ok_s s)"
  say "$ref: fails in $secs s (a pull that works: $ok_s s): $(tail -n 1 "$W/unreach.err")"
done

# ---- nothing left
vdkr rmi "$IMG" >/dev/null || fail "rmi"
jq -e '.manifests | length == 0' "$ROOT/images/index.json" >/dev/null || fail "index not empty"
[ -z "$(ls -A "$ROOT/images/blobs/sha256")" ] || fail "blobs left after rmi of every image"
only_dom0 "at the end"
no_loops "at the end"
say "PASS"
