# Shared by the CRI lab tests (sourced after lib.sh): one private containerd
# whose CRI plugin (Kubernetes' Container Runtime Interface, what kubelet
# speaks) is driven by tests/lab/cri/cri.py, since Debian 12 has no crictl.
# Two runtime handlers, both through the stock runc v2 shim: `runc`, and
# `vxn` (BinaryName = vxn, through engine-lib.sh's wrapper that sets
# VXN_CONFIG). Every OCI call either handler gets is logged (CRI_CALLS), with
# the config.json of each create (CRI_SPECS/ID.json).
# Pods get a CNI bridge network in 198.18.96.0/24.
# shellcheck shell=bash

. "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

CRI_PY=$(dirname "${BASH_SOURCE[0]}")/cri/cri.py
# Debian's grpc and protobuf modules (python3-grpcio): /usr/bin's python
CRI_PYTHON=${CRI_PYTHON:-/usr/bin/python3}
CRI_SUBNET=198.18.96.0/24
CRI_BRIDGE=vxncri0
PAUSE_IMAGE=localhost/pause:1
# pods' and containers' names: the kubelet's metadata, for the test's pods
CRI_NS=vxn-lab

# Each CRI call's bound: under emulation, with another lab on the machine, a
# runc pod's calls took up to 35 s each; a vxn pod creates Xen domains.
export CRI_TIMEOUT=${CRI_TIMEOUT:-600}

# cri ARGS...: tests/lab/cri/cri.py against this containerd.
cri() { "$CRI_PYTHON" "$CRI_PY" --sock "$CRI_SOCK" --stubs "$CRI_STUBS" "$@"; }

# cri_init: engine_init, skips unless the tools are here, generates the
# stubs into LAB_WORK.
cri_init() {
  engine_init cri /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2 \
    /usr/sbin/runc /usr/bin/protoc /usr/bin/grpc_python_plugin \
    /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/portmap /usr/lib/cni/loopback
  trap cri_cleanup EXIT
  "$CRI_PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null ||
    skip "cri: python3-grpcio or python3-protobuf not installed (tests/deps.sh)"
  E=$ENGINE_DIR
  CRI_SOCK=$E/containerd.sock
  CRI_STUBS=$LAB_WORK/cri-stubs
  CRI_CALLS=$E/oci-calls.log
  CRI_SPECS=$E/oci-specs
  mkdir -p "$CRI_SPECS"
  # Exec's streaming server listens on 127.0.0.1: the lab's dom0 leaves its
  # loopback down
  if ! ip -o link show lo | grep -q '<[^>]*\bUP\b'; then
    ip link set lo up || fail "cri: ip link set lo up"
    CRI_LO_UP=1
  fi
  cri gen || fail "generating the CRI stubs from tests/lab/cri/api.proto"
}

# trace_wrapper NAME TARGET: $E/bin/trace-NAME logs its argv to CRI_CALLS,
# keeps the config.json of a create, and runs TARGET (what the shim runs as
# its runc: BinaryName).
trace_wrapper() {
  cat > "$E/bin/trace-$1" <<WRAP
#!/bin/sh
echo "\$(date +%s.%N) $1 \$*" >> "$CRI_CALLS"
bundle= prev= create=
for a in "\$@"; do
  [ "\$prev" = --bundle ] && bundle=\$a
  [ "\$a" = create ] && create=1
  prev=\$a
done
[ -n "\$create" ] && [ -n "\$bundle" ] && cp "\$bundle/config.json" "$CRI_SPECS/\${a}.json"
exec $2 "\$@"
WRAP
  chmod 755 "$E/bin/trace-$1"
}

# cri_image_file VAR TAG CMD...: the path of a docker-archive of
# tests/lab/build-engine-image with TAG and CMD: $VAR when the host built it
# (quick there), else built here once per lab run and kept in XENLAB_OUT
# (minutes under emulation).
cri_image_file() {
  local var=$1 tag=$2 cache t0
  shift 2
  if [ -n "${!var:-}" ] && [ -s "${!var}" ]; then echo "${!var}"; return 0; fi
  cache=${XENLAB_OUT:-$LAB_WORK}/$(echo "$tag" | tr -c 'a-z0-9\n' -).tar
  if [ ! -s "$cache" ]; then
    t0=$(now_us)
    TMPDIR=$LAB_WORK "$(dirname "${BASH_SOURCE[0]}")/build-engine-image" "$LAB_WORK/img.tar" \
      "$tag" "$@" >"$LAB_WORK/img.log" 2>&1 || { cat "$LAB_WORK/img.log" >&2; return 1; }
    mv "$LAB_WORK/img.tar" "$cache"
    say "image $tag built in dom0: $(seconds_since "$t0") s ($var saves this)" >&2
  fi
  echo "$cache"
}

# cri_images: the pause image (sleeps; StopPodSandbox KILLs it) and the app
# image (busybox, localhost/bb:latest) imported where the CRI plugin looks:
# containerd namespace k8s.io.
cri_images() {
  local pause f imgs
  pause=$(cri_image_file VXN_PAUSE_IMAGE "$PAUSE_IMAGE" /bin/sleep 2147483647) ||
    fail "building the pause image"
  engine_image
  for f in "$pause" "$ENGINE_IMAGE"; do
    ctr --address "$CRI_SOCK" -n k8s.io images import "$f" >/dev/null || fail "ctr import $f"
  done
  imgs=$(cri images) || fail "CRI ListImages"
  grep -qx "$PAUSE_IMAGE" <<<"$imgs" || fail "CRI does not list $PAUSE_IMAGE: $imgs"
  grep -qx "$IMAGE" <<<"$imgs" || fail "CRI does not list $IMAGE: $imgs"
}

# cri_config: containerd's config and the CNI conflist (containerd 1.6
# loads CNI configs at start only: it must be there before).
cri_config() {
  mkdir -p "$E/cni" "$E/runc-root" "$E/vxn-root"
  trace_wrapper runc /usr/sbin/runc
  trace_wrapper vxn "$ENGINE_VXN"
  cat > "$E/cni/10-vxn-cri.conflist" <<CNI
{
  "cniVersion": "0.4.0",
  "name": "vxn-cri",
  "plugins": [
    {"type": "bridge", "bridge": "$CRI_BRIDGE", "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "dataDir": "$E/cni-ipam",
              "ranges": [[{"subnet": "$CRI_SUBNET"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
CNI
  local cri='plugins."io.containerd.grpc.v1.cri"' rt
  rt="$cri.containerd.runtimes"
  cat > "$E/containerd.toml" <<CONF
version = 2
root = "$E/root"
state = "$E/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$CRI_SOCK"
[ttrpc]
  address = "$CRI_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$E/opt"
[$cri]
  sandbox_image = "$PAUSE_IMAGE"
  # the CRI default (-998 for sandboxes) needs CAP_SYS_RESOURCE
  restrict_oom_score_adj = true
  # no AppArmor profile loader in the lab; a private netns dir; Exec's
  # streaming server on a free port of 127.0.0.1 (not 10010, maybe in use)
  disable_apparmor = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
[$cri.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "$E/cni"
[$cri.containerd]
  default_runtime_name = "runc"
[$rt.runc]
  runtime_type = "io.containerd.runc.v2"
[$rt.runc.options]
  BinaryName = "$E/bin/trace-runc"
  Root = "$E/runc-root"
[$rt.vxn]
  runtime_type = "io.containerd.runc.v2"
[$rt.vxn.options]
  BinaryName = "$E/bin/trace-vxn"
  Root = "$E/vxn-root"
CONF
}

# cri_start: containerd up and its CRI answering (CRI_T0: when it started).
cri_start() {
  local t0
  t0=$(now_us)
  engine_daemon "$E/containerd.log" containerd --config "$E/containerd.toml"
  wait_until 60 ctr --address "$CRI_SOCK" version || fail "containerd did not answer within 60 s"
  wait_until 60 cri version || fail "containerd's CRI did not answer within 60 s: $(cri version 2>&1)"
  say "containerd with CRI up: $(seconds_since "$t0") s"
}

# Everything this test's containerd left, also after a failure: pods through
# CRI while it runs, then shims, containers, netns mounts and the bridge.
cri_cleanup() {
  local p id pid d
  if [ -n "${ENGINE_PID:-}" ] && kill -0 "$ENGINE_PID" 2>/dev/null; then
    for id in $(cri --timeout 60 pods 2>/dev/null | jq -r '.[].id' 2>/dev/null); do
      cri --timeout 60 stopp "$id" >/dev/null 2>&1
      cri --timeout 60 rmp "$id" >/dev/null 2>&1
    done
  fi
  engine_stop
  # shims of this containerd (their -address is our socket), by pid
  for p in /proc/[0-9]*; do
    case $(tr '\0' ' ' 2>/dev/null < "$p/cmdline") in
      *containerd-shim-runc-v2*" $CRI_SOCK "*) pid=${p#/proc/}; kill -9 "$pid" 2>/dev/null ;;
    esac
  done
  # containers the shims left (their roots get containerd's namespace)
  for id in $(runc --root "$E/runc-root/k8s.io" list -q 2>/dev/null); do
    runc --root "$E/runc-root/k8s.io" delete --force "$id" >/dev/null 2>&1
  done
  for d in "$E"/vxn-root/k8s.io/*/; do
    [ -d "$d" ] && "$ENGINE_VXN" --root "$E/vxn-root/k8s.io" delete --force "$(basename "$d")" >/dev/null 2>&1
  done
  if [ -n "${XENLAB_OUT:-}" ] && [ -d "$XENLAB_OUT" ] && [ -d "${CRI_SPECS:-}" ]; then
    mkdir -p "$XENLAB_OUT/lab-logs/$(basename "$0" .sh).cri"
    cp -r "$CRI_CALLS" "$CRI_SPECS" "$E/containerd.log" \
      "$XENLAB_OUT/lab-logs/$(basename "$0" .sh).cri/" 2>/dev/null
  fi
  ip link del "$CRI_BRIDGE" 2>/dev/null
  [ -z "${CRI_LO_UP:-}" ] || ip link set lo down
  # runc's parent cgroup for containerd namespace k8s.io (only if empty)
  rmdir /sys/fs/cgroup/k8s.io /sys/fs/cgroup/*/k8s.io 2>/dev/null
  # netns mounts are under the state dir: engine_cleanup unmounts them
  engine_cleanup
}

# JSON for the test's pods and containers (kubelet's metadata, minimal).
# pod_config NAME [NETWORK [LINUX]]: PodSandboxConfig; logs in $E/logs/NAME.
# NETWORK: CRI's namespace mode, 0 (the pod's own, the default) or 2 (the
# node's: hostNetwork, no hostname then, as the kubelet does). LINUX: more
# members of its "linux" object, e.g. the kubelet's sum of the containers'
# limits: , "resources": {"memory_limit_in_bytes": N}.
pod_config() {
  local net=${2:-0} hostname=
  [ "$net" = 2 ] || hostname="\"hostname\": \"$1\","
  mkdir -p "$E/logs/$1"
  cat <<JSON
{"metadata": {"name": "$1", "namespace": "$CRI_NS", "uid": "uid-$1", "attempt": 0},
 $hostname "log_directory": "$E/logs/$1",
 "linux": {"security_context": {"namespace_options": {"network": $net, "pid": 1, "ipc": 0}}
   ${3:-}}}
JSON
}

# ctr_config NAME ARGS...: ContainerConfig of the app image running ARGS,
# its log at NAME.log in the pod's log directory.
ctr_config() {
  local name=$1
  shift
  cat <<JSON
{"metadata": {"name": "$name", "attempt": 0}, "image": {"image": "$IMAGE"},
 "command": $(json_array "$@"), "log_path": "$name.log",
 "linux": {"security_context": {"namespace_options": {"network": 0, "pid": 1, "ipc": 0}}}}
JSON
}
