# Shared by tests/lab/test-engine-*.sh (sourced after lib.sh): one engine
# daemon started by the test inside dom0, with all its state in a private
# tmpfs, driving this build's vxn through the configuration files of
# configs/engines (as built into $VXN_BUILD_DIR/configs, with the installed
# vxn path replaced by a wrapper that sets VXN_CONFIG).
# shellcheck shell=bash

IMAGE=localhost/bb:latest

# engine_init NAME TOOL...: lab_init, skip unless the TOOLs are installed,
# then the private dirs: ENGINE_DIR (tmpfs) with bin/vxn and shim-bin/runc.
engine_init() {
  local name=$1 tool
  shift
  lab_init
  trap engine_cleanup EXIT
  trap 'exit 143' TERM  # run-all's timeout: still stop the daemon and clean up
  for tool in "$@"; do
    [ -x "$tool" ] || skip "$name: $tool not installed (tests/deps.sh)"
  done
  command -v jq >/dev/null || skip "$name: jq not installed"
  ENGINE_DIR=$LAB_WORK/engine
  # dom0 of the lab mounts no cgroup fs; the engines need one (vxn does not)
  if ! grep -qs ' /sys/fs/cgroup ' /proc/mounts; then
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
    ENGINE_CGROUP_MOUNTED=1
  fi
  mkdir -p "$ENGINE_DIR"
  # overlayfs (containerd's snapshots) cannot sit on dom0's overlay root
  mount -t tmpfs -o mode=0700 vxn-engine "$ENGINE_DIR" || fail "tmpfs for $name"
  ENGINE_MOUNTED=1
  mkdir -p "$ENGINE_DIR/bin" "$ENGINE_DIR/shim-bin"
  ENGINE_VXN=$ENGINE_DIR/bin/vxn
  # vxn's default state root (Podman passes no --root) private too
  VXN_STATE_DEFAULT=$ENGINE_DIR/vxn-state
  { cat "$VXN_CONFIG"; echo "state_root = $VXN_STATE_DEFAULT"; } > "$ENGINE_DIR/vxn.conf"
  # --debug when the engine gives a log file (BUNDLE/log.json, conmon's
  # oci-log): without one vxn logs to stderr, which Podman shows the user
  cat > "$ENGINE_VXN" <<WRAP
#!/bin/sh
export VXN_CONFIG=$ENGINE_DIR/vxn.conf
case " \$* " in *" --log "*|*" --log="*) exec $VXN --debug "\$@" ;; esac
exec $VXN "\$@"
WRAP
  chmod 755 "$ENGINE_VXN"
  ln -s "$ENGINE_VXN" "$ENGINE_DIR/shim-bin/runc"
  ENGINE_CONFIGS=$VXN_BUILD_DIR/configs
  [ -r "$ENGINE_CONFIGS/containerd-shim-vxn-v2" ] || skip "$name: configs not built in $ENGINE_CONFIGS"
}

# engine_config FILE: a built configs/engines file with vxn's installed path
# replaced by the wrapper.
engine_config() {
  local vxn_path
  vxn_path=$(jq -r '.runtimes.vxn.path' "$ENGINE_CONFIGS/daemon.json") || fail "daemon.json"
  sed -e "s|$vxn_path|$ENGINE_VXN|g" "$ENGINE_CONFIGS/$1"
}

# The busybox image (tests/lab/build-engine-image): VXN_ENGINE_IMAGE when the
# host built it before the lab (tests/run does), else built here once per lab
# run and cached in XENLAB_OUT. ENGINE_IMAGE is its path.
engine_image() {
  local cache=${XENLAB_OUT:-$LAB_WORK}/engine-image.tar t0
  if [ -n "${VXN_ENGINE_IMAGE:-}" ] && [ -s "$VXN_ENGINE_IMAGE" ]; then
    ENGINE_IMAGE=$VXN_ENGINE_IMAGE
    return 0
  fi
  if [ ! -s "$cache" ]; then
    t0=$(now_us)
    TMPDIR=$LAB_WORK "$(dirname "${BASH_SOURCE[0]}")/build-engine-image" "$LAB_WORK/image.tar" \
      >"$LAB_WORK/image.log" 2>&1 || { cat "$LAB_WORK/image.log"; fail "building the test image"; }
    cp "$LAB_WORK/image.tar" "$cache.new" && mv "$cache.new" "$cache"
    say "test image built in dom0: $(seconds_since "$t0") s (VXN_ENGINE_IMAGE saves this)"
  fi
  ENGINE_IMAGE=$cache
}

# engine_daemon LOG CMD...: starts the daemon in the background (ENGINE_PID).
engine_daemon() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  ENGINE_PID=$!
  ENGINE_LOG=$log
}


# Stops the daemon (TERM, then KILL after 20 s) and waits for it.
engine_stop() {
  [ -n "${ENGINE_PID:-}" ] || return 0
  kill "$ENGINE_PID" 2>/dev/null
  wait_until 20 sh -c "! kill -0 $ENGINE_PID" || kill -9 "$ENGINE_PID" 2>/dev/null
  wait "$ENGINE_PID" 2>/dev/null
  ENGINE_PID=
}



# no_state DIR WHAT: DIR (a vxn --root) holds no container.
no_state() {
  [ ! -d "$1" ] || [ -z "$(ls -A "$1")" ] || fail "$2: state left in $1: $(ls -A "$1")"
}

# Processes whose executable is under ENGINE_DIR or is one of the daemons'
# helpers, started by this test (children of nobody else): for the check
# that nothing survives the daemon.
leftover_processes() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in
      */containerd-shim-runc-v2|*/containerd|*/dockerd|*/conmon|*/podman|"$VXN"|\
      */xen-qemu-system-i386)
        echo "${p#/proc/} $exe" ;;
    esac
  done
}

engine_dump() {
  [ -n "${ENGINE_LOG:-}" ] && { echo "--- daemon log (tail):"; tail -n 40 "$ENGINE_LOG"; }
  local f
  for f in $(find "$ENGINE_DIR" -name log.json 2>/dev/null | head -n 5); do
    echo "--- $f (tail):"; tail -n 5 "$f"
  done
  # the guests' consoles, under whatever --root the engine gave vxn
  for f in $(find "$ENGINE_DIR" -name console.log 2>/dev/null | head -n 5); do
    echo "--- $f (tail):"; tail -n 15 "$f"
  done
}

fail() { echo "FAIL: $*"; engine_dump; lab_dump; exit 1; }

# vxn's logs as the engines kept them (BUNDLE/log.json, conmon's oci-log),
# for the human: XENLAB_OUT/lab-logs/TEST.engine-logs/.
engine_save_logs() {
  local dest f n=0
  [ -n "${XENLAB_OUT:-}" ] && [ -d "$XENLAB_OUT" ] || return 0
  dest=$XENLAB_OUT/lab-logs/$(basename "$0" .sh).engine-logs
  mkdir -p "$dest"
  [ -n "${ENGINE_LOG:-}" ] && cp "$ENGINE_LOG" "$dest/" 2>/dev/null
  while IFS= read -r f; do
    n=$((n + 1))
    cp "$f" "$dest/$n.$(basename "$(dirname "$f")").$(basename "$f")" 2>/dev/null
  done < <(find "$ENGINE_DIR" \( -name log.json -o -name oci-log \) 2>/dev/null)
}

engine_cleanup() {
  engine_stop
  engine_save_logs
  if [ -n "${ENGINE_MOUNTED:-}" ]; then
    # snapshot and layer mounts a failed test may have left below the tmpfs
    grep -o " $ENGINE_DIR/[^ ]*" /proc/mounts | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null
    done
    umount -l "$ENGINE_DIR" 2>/dev/null
  fi
  [ -z "${ENGINE_CGROUP_MOUNTED:-}" ] || umount -l /sys/fs/cgroup 2>/dev/null
  # A failed test's containers (a passing one checked there are none): the
  # engine's vxn state went with its tmpfs, and their domains and loop
  # devices would fail every later test's checks.
  xl list 2>/dev/null | awk 'NR > 1 && $1 ~ /^vxn-/ { print $1 }' |
    while read -r d; do xl destroy "$d" 2>/dev/null; done
  losetup -D 2>/dev/null
  lab_cleanup
}

# engine_final_checks NAME ROOT...: after the daemon stopped: only Domain-0,
# no loop devices, no vxn state in ROOTs, no daemon or monitor process left.
engine_final_checks() {
  local name=$1 r left
  shift
  only_dom0 "$name"
  no_loops "$name"
  for r in "$VXN_STATE_DEFAULT" "$@"; do no_state "$r" "$name"; done
  left=$(leftover_processes)
  [ -z "$left" ] || fail "$name: processes left: $left"
}

# volume_host_dirs: a host directory with a file in it and a single file,
# for the engines' volume checks ($E/vol, $E/vol-file).
volume_host_dirs() {
  mkdir -p "$ENGINE_DIR/vol"
  echo from-dom0 > "$ENGINE_DIR/vol/in"
  echo file-from-dom0 > "$ENGINE_DIR/vol-file"
}

# What each engine's volume container prints (VOLUME_SCRIPT) and what dom0
# must then see: the guest read both volumes, wrote the directory, and its
# write to the read-only file failed with EROFS.
VOLUME_SCRIPT='cat /data/in; echo from-guest > /data/out; cat /f; (echo x >> /f) 2>&1 | grep -o "Read-only file system"'
volume_check() {
  expect_eq "$1: output" "$2" "$(printf 'from-dom0\nfile-from-dom0\nRead-only file system')"
  expect_eq "$1: the guest's write in dom0" "$(cat "$ENGINE_DIR/vol/out" 2>/dev/null)" from-guest
  expect_eq "$1: the read-only file in dom0" "$(cat "$ENGINE_DIR/vol-file")" file-from-dom0
  rm -f "$ENGINE_DIR/vol/out"
}

# A skipped part of a test that otherwise passes (the reason is printed).
skip_part() { echo "# skip: $*"; }

# Whether this vxn has the verb (for parts that wait on other work: exec).
vxn_has_verb() { "$VXN" "$1" --help >/dev/null 2>&1; }

# net_connect_check CLI NETWORK IP PEER: `CLI network connect --ip IP
# NETWORK web` of the running container web reaches its guest (a NIC
# hot-plugged by vxn's monitor, host/netplug.c): the new address there,
# and web -> PEER, a container on NETWORK serving hello-from-srv.
net_connect_check() {
  local cli=$1 net=$2 ip=$3 peer=$4 want out t0
  t0=$(now_us)
  "$cli" network connect --ip "$ip" "$net" web 2>"$ENGINE_DIR/conn.err" ||
    fail "$cli network connect: $(cat "$ENGINE_DIR/conn.err")"
  want=$(printf 'inet %s\nhello-from-srv' "$ip")
  out=
  for _ in $(seq 90); do
    out=$("$cli" exec web sh -c "ip -4 addr show | grep -o 'inet $ip';
      timeout 5 wget -q -O - http://$peer/index.html" 2>&1)
    [ "$out" = "$want" ] && break
    sleep 1
  done
  say "$cli network connect, until web reaches srv through its new NIC: $(seconds_since "$t0") s"
  expect_eq "$cli network connect: web's new address, web -> srv" "$out" "$want"
}

# net_disconnect_check CLI NETWORK: after `CLI network disconnect NETWORK
# web` its guest has one Ethernet interface again (the NIC unplugged).
net_disconnect_check() {
  local cli=$1 net=$2 n=
  "$cli" network disconnect "$net" web 2>"$ENGINE_DIR/disc.err" ||
    fail "$cli network disconnect: $(cat "$ENGINE_DIR/disc.err")"
  for _ in $(seq 60); do
    n=$("$cli" exec web sh -c 'ls /sys/class/net | grep -c "^eth"' 2>&1)
    [ "$n" = 1 ] && break
    sleep 1
  done
  expect_eq "$cli network disconnect: the guest's Ethernet interfaces" "$n" 1
}
