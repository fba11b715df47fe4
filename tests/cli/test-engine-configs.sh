#!/usr/bin/env bash
# The shipped containerd snippet (configs/engines/containerd-vxn.toml), read
# by containerd itself without a daemon: imported as its comment says, it
# registers the CRI runtime "vxn" (what a Kubernetes RuntimeClass "vxn"
# selects) as the runc v2 shim with vxn as BinaryName. Proves the snippet is
# what containerd understands; running a pod through CRI needs a CRI client,
# which Debian 12 does not package (README).
# Usage: test-engine-configs.sh SOURCE-DIR. Exit 77 (skip) without containerd.
set -u
src=${1:?usage: test-engine-configs.sh SOURCE-DIR}
command -v containerd >/dev/null || { echo "SKIP: containerd is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$src/configs/engines/containerd-vxn.toml" "$T/vxn.toml"
printf 'version = 2\nimports = ["%s/vxn.toml"]\n' "$T" > "$T/config.toml"
containerd --config "$T/config.toml" config dump > "$T/dump" 2>"$T/err" ||
  { echo "not ok - containerd config dump: $(cat "$T/err")"; exit 1; }
# the vxn runtime's table and its options table, as containerd merged them
section=$(awk '/^ *\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.vxn(\.options)?\]/ {on = 1; next}
               /^ *\[/ {on = 0} on' "$T/dump")
failures=0
for want in 'runtime_type = "io.containerd.runc.v2"' 'BinaryName = "/usr/bin/vxn"' 'Root = "/run/vxn"'; do
  if grep -qF "$want" <<<"$section"; then
    echo "ok - CRI runtime vxn: $want"
  else
    echo "not ok - CRI runtime vxn: no '$want' in containerd's merged config"
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ]
