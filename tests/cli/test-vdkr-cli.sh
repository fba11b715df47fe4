#!/usr/bin/env bash
# Command-line tests of vdkr that need no Xen: `run`'s bad -v refused with
# the docker CLI's 125, in one line, before anything is made in the store.
# Usage: test-vdkr-cli.sh PATH/TO/vdkr
# Prints `ok - ...` / `not ok - ...` per check; exits 1 if any check failed.
set -u

VDKR=${1:?usage: test-vdkr-cli.sh PATH/TO/vdkr}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
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
VPDMN=$(dirname "$VDKR")/vpdmn
if [ -x "$VPDMN" ]; then
  VDKR=$VPDMN refused "vpdmn: missing source" "bind source path does not exist" -- -v /nonexistent-x:/d
fi

echo "# $n checks, $failures failed"
[ "$failures" -eq 0 ]
