# Shared by tests/lab/test-vxn-*.sh (sourced). Runs inside dom0 of the lab:
# VXN_BUILD_DIR is the meson build dir, VXN_CONFIG a vxn.conf naming the
# guest kernel and initramfs, XENLAB_OUT a writable dir shared with the host.
# shellcheck shell=bash

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; lab_dump; exit 1; }
say() { echo "# $*"; }

now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
seconds_since() {
  local d=$(($(now_us) - $1))
  printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}

# wait_until SECONDS CMD...: until CMD succeeds (0) or the time is up (1).
# wait_until SECONDS CMD...: until CMD succeeds, by the clock (a check can
# take seconds under emulation: counting tries would wait far longer)
wait_until() {
  local end=$((SECONDS + $1))
  shift
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.1
  done
}

conf_value() { sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$VXN_CONFIG" | tail -n 1; }
# conf_with NAME KEY=VALUE...: the path of a copy of $VXN_CONFIG with those
# keys replaced (in LAB_WORK)
conf_with() {
  local f=$LAB_WORK/$1.conf kv
  shift
  cp "$VXN_CONFIG" "$f"
  for kv in "$@"; do
    sed -i "/^${kv%%=*}[[:space:]]*=/d" "$f"
    echo "${kv%%=*} = ${kv#*=}" >> "$f"
  done
  echo "$f"
}

# Skips (77) unless everything a guest needs is here.
lab_init() {
  grep -qs control_d /proc/xen/capabilities ||
    skip "not in a Xen dom0 (run through tests/xenlab/xenlab run)"
  [ -n "${VXN_BUILD_DIR:-}" ] || skip "VXN_BUILD_DIR not set"
  VXN=$VXN_BUILD_DIR/cli/vxn
  [ -x "$VXN" ] || skip "vxn not built ($VXN)"
  [ -n "${VXN_CONFIG:-}" ] && [ -r "$VXN_CONFIG" ] || skip "VXN_CONFIG not set or unreadable"
  local kernel initramfs
  kernel=$(conf_value kernel)
  initramfs=$(conf_value initramfs)
  [ -n "$kernel" ] && [ -r "$kernel" ] || skip "guest kernel not built (kernel = '$kernel')"
  [ -n "$initramfs" ] && [ -r "$initramfs" ] ||
    skip "guest initramfs with guest-init not built (initramfs = '$initramfs')"
  [ -x /bin/busybox ] || skip "no /bin/busybox (busybox-static)"
  # every container's root is a 9pfs share by default (rootfs = share)
  [ -x /usr/libexec/xen-qemu-system-i386 ] ||
    skip "no /usr/libexec/xen-qemu-system-i386 (qemu-system-xen, tests/deps.sh)"
  # libxl gives QEMU 60 s to start (a compile-time constant); the lab's dom0
  # reads it and its libraries from the host over 9p, which under a loaded
  # machine's emulation took longer: read them once before the first create
  /usr/libexec/xen-qemu-system-i386 --version >/dev/null 2>&1
  export VXN_CONFIG
  LAB_WORK=$(mktemp -d /tmp/vxn-lab.XXXXXX)
  VXN_ROOT=$LAB_WORK/state
  VXN_LOG=$LAB_WORK/vxn.log
  trap lab_cleanup EXIT
}

vxn() { "$VXN" --root "$VXN_ROOT" --log "$VXN_LOG" --debug "$@"; }

# What a failing test leaves for the human: logs and consoles.
lab_dump() {
  [ -n "${LAB_WORK:-}" ] || return 0
  local d
  echo "--- vxn log (tail):"
  tail -n 60 "$VXN_LOG" 2>/dev/null
  for d in "$VXN_ROOT"/*/; do
    [ -d "$d" ] || continue
    echo "--- console of $(basename "$d") (tail):"
    tail -n 20 "$d/console.log" 2>/dev/null
  done
  echo "--- xl list:"; xl list 2>&1
}

lab_cleanup() {
  local d
  for d in "$VXN_ROOT"/*/; do
    [ -d "$d" ] && vxn delete --force "$(basename "$d")" >/dev/null 2>&1
  done
  if [ -n "${XENLAB_OUT:-}" ] && [ -d "$XENLAB_OUT" ]; then
    mkdir -p "$XENLAB_OUT/lab-logs"
    cp "$VXN_LOG" "$XENLAB_OUT/lab-logs/$(basename "$0" .sh).vxn.log" 2>/dev/null
  fi
  rm -rf "$LAB_WORK"
}

# A JSON array of strings from the arguments (escapes \ " and control chars).
json_array() {
  local out="" a s i c
  for a in "$@"; do
    s=""
    for ((i = 0; i < ${#a}; i++)); do
      c=${a:i:1}
      case $c in
        '"') s+='\"' ;;
        '\') s+='\\' ;;
        $'\n') s+='\n' ;;
        $'\t') s+='\t' ;;
        *) s+=$c ;;
      esac
    done
    out+="${out:+, }\"$s\""
  done
  echo "[$out]"
}

# A busybox rootfs, made once per test and copied for each bundle.
busybox_rootfs() {
  local dir=$LAB_WORK/rootfs-template a
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,home/user}
    cp /bin/busybox "$dir/bin/busybox"
    for a in $(/bin/busybox --list); do
      [ "$a" = busybox ] || ln -s busybox "$dir/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$dir/etc/passwd"
    printf 'root:x:0:\nuser:x:1000:\n' > "$dir/etc/group"
    chmod 1777 "$dir/tmp"
  fi
  cp -a "$dir" "$1"
}

# make_bundle DIR [--cwd D] [--uid N] [--gid N] [--env K=V]... -- ARGS...
# config.json comes from `vxn spec` (one key per line), edited line by line.
make_bundle() {
  local dir=$1 cwd=/ uid=0 gid=0 env=(PATH=/bin:/usr/bin) line
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --cwd) cwd=$2; shift 2 ;;
      --uid) uid=$2; shift 2 ;;
      --gid) gid=$2; shift 2 ;;
      --env) env+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) fail "make_bundle: unknown option $1" ;;
    esac
  done
  mkdir -p "$dir"
  busybox_rootfs "$dir/rootfs"
  "$VXN" spec --bundle "$dir" || fail "vxn spec"
  local args envs
  args=$(json_array "$@")
  envs=$(json_array "${env[@]}")
  while IFS= read -r line; do
    case $line in
      *'"terminal":'*) line=${line/true/false} ;;
      *'"user": {'*) line="    \"user\": {\"uid\": $uid, \"gid\": $gid}," ;;
      *'"args": ['*) line="    \"args\": $args," ;;
      *'"env": ['*) line="    \"env\": $envs," ;;
      *'"cwd":'*) line="    \"cwd\": $(json_array "$cwd" | sed 's/^\[\(.*\)\]$/\1/')," ;;
    esac
    printf '%s\n' "$line"
  done < "$dir/config.json" > "$dir/config.json.new"
  mv "$dir/config.json.new" "$dir/config.json"
}

# privileged BUNDLE: every capability, as `docker run --privileged` gives:
# dom0 must hold out against a root that may do anything in its guest
privileged() {
  python3 - "$1" <<'PY' || fail "editing config.json"
import json, sys
caps = """CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
CHECKPOINT_RESTORE""".split()
path = sys.argv[1] + "/config.json"
spec = json.load(open(path))
spec["process"]["capabilities"] = {k: ["CAP_" + c for c in caps]
                                   for k in ("bounding", "effective", "permitted")}
spec["process"]["noNewPrivileges"] = False
json.dump(spec, open(path, "w"), indent=1)
PY
}

qemu_count() { pgrep -fc 'xen-qemu-system-i386' 2>/dev/null || true; }
vxn_mounts() { grep -c " $VXN_ROOT/" /proc/mounts 2>/dev/null || true; }

# Checks the lab tests share; each fails the test naming what was wrong.
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"; }
only_dom0() {
  local n
  n=$(xl list | tail -n +2 | grep -vc '^Domain-0')
  [ "$n" -eq 0 ] || { xl list; fail "$1: domains left besides Domain-0"; }
}
no_loops() {
  [ -z "$(losetup -a 2>/dev/null)" ] || { losetup -a; fail "$1: loop devices left"; }
}

# state_of ID: the "status" field of `vxn state ID`.
state_of() {
  vxn state "$1" 2>/dev/null | tr -d ' \n' | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

# wait_for_file FILE TEXT SECONDS: until FILE contains TEXT.
wait_for_text() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -qs -- "$2" "$1" && return 0
    sleep 0.1
  done
  return 1
}

# wait_nonempty FILE SECONDS: until FILE exists and is not empty.
wait_nonempty() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

wait_for_state() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [ "$(state_of "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

xen_free_mib() { xl info | awk '/^free_memory/ { print $3 }'; }
# Resource counts (issue 24's load and hostile-guest tests): what dom0
# holds for guests, as "name=value" words
dom0_counts() {
  echo "evtchn=$(grep -c 'xen-dyn' /proc/interrupts)" \
    "loops=$(losetup -a 2>/dev/null | wc -l)" \
    "xs_nodes=$(xenstore-ls -f / 2>/dev/null | wc -l)" \
    "procs=$(pgrep -c -f 'vxn-monitor|xen-qemu-system|cli/vxn ' 2>/dev/null || true)" \
    "grants=$(active_grants)"
}
# active_grants: grant entries of every domain that some domain has mapped
# (pinned), as Xen's 'g' debug key lists them (xen/common/grant_table.c,
# gnttab_usage_print: one "[0xREF] DOMID 0xMFN 0xPIN ..." line each), read
# from Xen's console ring (not cleared: xenlab saves it on failure) after
# the last start marker. "?" when the listing is not whole there (its start
# overwritten in the ring, or Xen printed no end).
active_grants() {
  local out i
  xl debug-keys g >/dev/null 2>&1 || { echo "?"; return; }
  for ((i = 0; i < 20; i++)); do
    out=$(xl dmesg 2>/dev/null | sed -n "/gnttab_usage_print_all \[ key 'g' pressed/h; //!H; \${x;p}")
    if grep -q "gnttab_usage_print_all \[ key" <<<"$out" &&
       grep -q 'gnttab_usage_print_all \] done' <<<"$out"; then
      grep -cE '^\(XEN\) .*\[0x[0-9a-f]+\] +[0-9]+ 0x[0-9a-f]+ 0x[0-9a-f]{8}' <<<"$out"
      return 0
    fi
    sleep 0.1
  done
  echo "?"
}
files_open() { cut -f1 /proc/sys/fs/file-nr; }
# same_dom0_counts WHAT BEFORE: the counts now equal BEFORE (xenstore and event
# channels are released by the toolstack and the backends within moments)
same_dom0_counts() {
  local now i
  for ((i = 0; i < 100; i++)); do
    now=$(dom0_counts)
    [ "$now" = "$2" ] && return 0
    sleep 0.2
  done
  fail "$1: dom0 holds more than before: before '$2', after '$now'"
}
# free_back WHAT BEFORE-MIB: Xen's free memory back to within 1 MiB
free_back() {
  local now i
  for ((i = 0; i < 150; i++)); do
    now=$(xen_free_mib)
    [ "$now" -ge $(($2 - 1)) ] && return 0
    sleep 0.2
  done
  fail "$1: Xen's free memory $now MiB, before $2 MiB"
}
files_back() {  # WHAT BEFORE: open files within 32 of before (dom0's own churn)
  local now
  now=$(files_open)
  [ "$now" -le $(($2 + 32)) ] || fail "$1: $now open files in dom0, before $2"
}
