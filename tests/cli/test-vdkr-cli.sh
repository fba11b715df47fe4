#!/usr/bin/env bash
# Command-line tests of vdkr that need no Xen: `run`'s bad -v and -p refused with
# the docker CLI's 125, in one line, before anything is made in the store;
# a store on a full filesystem (as root, with skopeo and umoci): `load` and
# `run`'s unpack refused in one line naming the lack of space, with nothing
# half-stored.
# Usage: test-vdkr-cli.sh PATH/TO/vdkr
# Prints `ok - ...` / `not ok - ...` per check; exits 1 if any check failed.
set -u

VDKR=${1:?usage: test-vdkr-cli.sh PATH/TO/vdkr}
T=$(mktemp -d)
trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT
ROOT=$T/root          # the store: must not even be made by a refused run
export VXN_CONFIG=$T/vxn.conf
: > "$VXN_CONFIG"
mkdir -p "$T/src"
: > "$T/file"
mkfifo "$T/fifo"

failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }

# refused NAME STDERR_SUBSTRING -- run args...: exit 125, the message in
# one line on stderr, nothing made.
refused() {
  local name=$1 msg=$2
  shift 3
  "$VDKR" --root "$ROOT" run --rm "$@" img true >"$T/out" 2>"$T/err"
  local rc=$?
  if grep -qE 'Sanitizer|runtime error:' "$T/err"; then
    notok "$name: sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$T/err")"
  elif [ "$rc" -ne 125 ]; then
    notok "$name: exit $rc, want 125 ($(head -c 200 "$T/err"))"
  elif ! grep -qF -- "$msg" "$T/err"; then
    notok "$name: stderr lacks '$msg': $(head -c 200 "$T/err")"
  elif [ "$(wc -l < "$T/err")" -ne 1 ]; then
    notok "$name: not one line: $(cat "$T/err")"
  elif [ -e "$ROOT" ]; then
    notok "$name: the store was made: $(ls -A "$ROOT" | tr '\n' ' ')"
    rm -rf "$ROOT"
  else
    ok "$name"
  fi
}

refused "missing source" "bind source path does not exist: $T/nosuch" -- -v "$T/nosuch:/data"
[ -e "$T/nosuch" ] && notok "a missing source was made" || ok "a missing source stays missing"
refused "relative destination" "'data' mount path must be absolute" -- -v "$T/src:data"
refused "destination /" "destination can't be '/'" -- -v "$T/src:/x/.."
refused "named volume" "named volumes are not supported by vdkr" -- -v vol:/data
refused "anonymous volume" "anonymous volumes are not supported by vdkr" -- -v /data
refused "mode z" "option 'z' not supported by vdkr" -- -v "$T/src:/data:z"
refused "ro and rw" "invalid mode" -- --volume "$T/src:/data:ro,rw"
refused "too many fields" "invalid volume specification" -- -v "$T/src:/data:ro:x"
refused "duplicate destination" "Duplicate mount point: /data" -- -v "$T/src:/data" -v "$T/file:/data/"
refused "a FIFO" "not a directory or a regular file" -- -v "$T/fifo:/p"
refused "a good -v, then a bad one" "named volumes" -- -v "$T/src:/a" -v "$T/file:/f:ro" -v x:/b
# -p: docker's forms that vdkr does not serve, and docker's own refusals
refused "-p without a host port" "a host port is needed" -- -p 80
refused "-p with --network none" "conflicting options: port publishing" -- -p 8080:80 --network none
refused "-p range" "invalid host port (ranges are not supported)" -- -p 8080-8081:80
refused "-p protocol" "the protocol must be tcp or udp" -- -p 8080:80/sctp
refused "-p IPv6 host address" "the host address must be IPv4" -- -p "[::1]:8080:80"
refused "--network overlay" "not supported by vdkr (bridge, none and host are)" -- --network overlay
VPDMN=$(dirname "$VDKR")/vpdmn
if [ -x "$VPDMN" ]; then
  VDKR=$VPDMN refused "vpdmn: missing source" "bind source path does not exist" -- -v /nonexistent-x:/d
fi

# ---- a full store
# archive OUT TAG LAYER-KIB...: a docker-archive of incompressible layers,
# made with tar alone (skopeo reads it as `docker save` writes it).
archive() {
  local out=$1 tag=$2 d=$T/archive i=0 layers="" diffs=""
  shift 2
  rm -rf "$d" && mkdir -p "$d"
  for kib in "$@"; do
    i=$((i + 1))
    mkdir "$d/l$i" && head -c $((kib * 1024)) /dev/urandom > "$d/l$i/f$i"
    tar -C "$d/l$i" -cf "$d/l$i.tar" "f$i"
    layers+="${layers:+,}\"l$i.tar\""
    diffs+="${diffs:+,}\"sha256:$(sha256sum < "$d/l$i.tar" | cut -d' ' -f1)\""
  done
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$diffs" > "$d/config.json"
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":[%s]}]' "$tag" "$layers" > "$d/manifest.json"
  (cd "$d" && tar -cf "$out" manifest.json config.json l*.tar)
}
# one_line_no_space NAME RC: exit 125, one line on stderr ($T/err) that
# names the lack of space.
one_line_no_space() {
  if [ "$2" -ne 125 ]; then
    notok "$1: exit $2, want 125 ($(head -c 300 "$T/err"))"
  elif ! grep -qi 'no space left on device' "$T/err"; then
    notok "$1: stderr does not name the lack of space: $(head -c 300 "$T/err")"
  elif [ "$(wc -l < "$T/err")" -ne 1 ]; then
    notok "$1: not one line: $(cat "$T/err")"
  else
    ok "$1: 125, one line: $(cat "$T/err")"
  fi
}
# leftovers DIR...: what the directories hold (nothing expected).
leftovers() { find "$@" -mindepth 1 2>/dev/null | sed "s|^$F/||" | tr '\n' ' '; }
F=$T/full
why=""
[ "$(id -u)" -eq 0 ] || why="not root (a tmpfs is mounted)"
for tool in skopeo umoci; do
  command -v "$tool" >/dev/null || why="$tool not installed (tests/deps.sh)"
done
if [ -n "$why" ]; then
  echo "ok $((n + 1)) - # SKIP a full store: $why"
  n=$((n + 1))
else
  # load: the first layer fits (then must not stay), the second does not
  archive "$T/two.tar" localhost/full:two 200 4096
  mkdir -p "$F" && mount -t tmpfs -o size=1m vdkr-cli-full "$F" || notok "mount a tmpfs"
  "$VDKR" --root "$F/root" load -i "$T/two.tar" >"$T/out" 2>"$T/err"
  one_line_no_space "load into a full store" $?
  [ -z "$("$VDKR" --root "$F/root" images -q 2>&1)" ] && ok "load: images lists nothing" ||
    notok "load: images lists: $("$VDKR" --root "$F/root" images 2>&1)"
  left=$(leftovers "$F/root/tmp" "$F/root/images/blobs/sha256")
  [ -z "$left" ] && ok "load: no blob and no temporary file left" || notok "load: left $left"
  [ -s "$T/out" ] && notok "load: printed $(cat "$T/out")"
  umount "$F" || notok "umount the tmpfs"
  # run: the image fits in the store, unpacked it does not
  archive "$T/one.tar" localhost/full:one 4096
  mount -t tmpfs -o size=6m vdkr-cli-full "$F" || notok "mount a tmpfs"
  "$VDKR" --root "$F/root" load -q -i "$T/one.tar" >/dev/null 2>"$T/err" ||
    notok "load into a store with room: $(cat "$T/err")"
  "$VDKR" --root "$F/root" run --rm localhost/full:one true >"$T/out" 2>"$T/err"
  one_line_no_space "run: an unpack that does not fit" $?
  grep -q 'unpacking localhost/full:one' "$T/err" || notok "run: the line does not say unpacking"
  left=$(leftovers "$F/root/tmp" "$F/root/unpacked" "$F/root/containers" "$F/root/names" "$F/root/run")
  [ -z "$left" ] && ok "run: no unpack, container or state left" || notok "run: left $left"
  [ "$("$VDKR" --root "$F/root" images -q | wc -l)" -eq 1 ] && ok "run: the image stays whole" ||
    notok "run: images: $("$VDKR" --root "$F/root" images 2>&1)"
  # save of that image (no guest needed): a docker-archive, and again
  # over it, as docker's save -o replaces the file
  for i in 1 2; do
    "$VDKR" --root "$F/root" save -o "$T/saved.tar" localhost/full:one 2>"$T/err" ||
      notok "save ($i): $(cat "$T/err")"
  done
  tar tf "$T/saved.tar" 2>/dev/null | grep -qx manifest.json && ok "save twice to one file" ||
    notok "save: not a docker-archive: $(tar tf "$T/saved.tar" 2>&1 | head -c 200)"
  [ -z "$(ls "$T" | grep '^saved.tar.')" ] || notok "save left $(ls "$T" | grep '^saved.tar.')"
  umount "$F" || notok "umount the tmpfs"
  mountpoint -q "$F" && notok "the tmpfs is still mounted" || ok "the tmpfs is unmounted"
fi

echo "# $n checks, $failures failed"
[ "$failures" -eq 0 ]
