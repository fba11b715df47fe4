#!/usr/bin/env bash
# vdkr, the daemonless frontend (vdkr/), against a real registry: Debian's
# docker-registry (the distribution registry 2.8) on 127.0.0.1 in dom0, the
# busybox test image pushed to it with skopeo. Pull on first run, exit
# statuses (the container's, 127 for a missing command, 125 for the
# frontend's own errors), -e/--env-file/-w/-u/--hostname/--entrypoint/-m/
# --cpus/-i, -v (a host directory read-write and read-only, a host file;
# bad -v refused with 125), stdout and stderr apart, -d + logs + exec + stop + wait + ps +
# rm, rmi refused while a container uses the image, load of a
# docker-archive, pull of an oci-archive (layers shared in the store), save
# to a docker-archive loaded back after rmi, two
# pulls at once, a killed pull, a pull into a full store and a save onto a
# full filesystem, an unreachable registry, --network bridge and -p (the
# CNI plugins' bridge, docker's default network, with its /etc/hosts, /etc/hostname
# and resolv.conf, a guest reaching dom0 and a published port), vmemres (the warm
# pool), vpdmn's spelling; nothing left behind after --rm. Each image's
# root disk is made once (rootfs.erofs) and attached read-only by each of its
# containers, whose writes stay in their own guests.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/registry-lib.sh"
lab_init
for tool in docker-registry skopeo umoci jq; do
  command -v "$tool" >/dev/null || skip "$tool not installed (tests/deps.sh)"
done
VDKR=$VXN_BUILD_DIR/vdkr/vdkr
[ -x "$VDKR" ] || skip "vdkr not built ($VDKR)"
# every run without --network is on vdkr's bridge, docker's default
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/portmap ] && command -v iptables >/dev/null ||
  skip "vdkr's default network needs the CNI plugins (containernetworking-plugins) and iptables"
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
vdkr_cleanup() {
  local d
  for d in "$ROOT"/run/*/ "$W"/root2/run/*/; do
    [ -d "$d" ] && "$VXN" --root "$(dirname "$d")" delete --force "$(basename "$d")" >/dev/null 2>&1
  done
  registry_stop
  [ -n "${XENLAB_OUT:-}" ] && cp "$VLOG" "$XENLAB_OUT/lab-logs/test-vdkr.vdkr.log" 2>/dev/null
  umount "$W/full" 2>/dev/null  # 6c's, when a check there failed
  [ -z "${HTTPD:-}" ] || kill "$HTTPD" 2>/dev/null
  for d in "$ROOT"/containers/*/netns; do [ -e "$d" ] && umount -l "$d" 2>/dev/null; done
  ip link del vdkr0 2>/dev/null
  while iptables -w -t nat -D POSTROUTING -s 198.18.96.0/24 ! -o vdkr0 -j MASQUERADE 2>/dev/null; do :; done
  umount "$W" 2>/dev/null
  lab_cleanup
}
trap vdkr_cleanup EXIT

# ---- the registry, on the loopback
registry_start "$W/registry" 5000
registry_push "$ENGINE_IMAGE" busybox:latest busybox:two other:latest
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
# the image's root disk, made once with its unpack: one EROFS image
imgs=("$ROOT"/unpacked/*/rootfs.erofs)
[ ${#imgs[@]} -eq 1 ] && [ -s "${imgs[0]}" ] || fail "unpacked image's rootfs.erofs: ${imgs[*]}"
ROOT_IMAGE=${imgs[0]}
root_sum=$(sha256sum < "$ROOT_IMAGE")

# ---- 1b. docker's default network and files: the bridge (its address in
# /etc/hosts beside the hostname, the ID's first 12 digits whatever --name
# says), dom0's resolv.conf without loopback servers; --network none: lo
# alone, the loopback names only. Readable by any user, as docker's are.
ip link set lo up
out=$(vdkr run --rm --name named -u 1000 --add-host dom0:host-gateway "$IMG" sh -c 'hostname
  cat /etc/hostname; ip -4 -o addr show dev eth0 | grep -o "inet [0-9.]*"; tail -n 1 /etc/hosts
  grep "^nameserver" /etc/resolv.conf | tr "\n" " "; echo
  ls /sys/class/net | tr "\n" " "; echo; grep "dom0$" /etc/hosts' 2>"$W/default-net.err")
rc=$?
[ $rc -eq 0 ] || fail "run on the default network: exit $rc: $(cat "$W/default-net.err") $out"
mapfile -t l <<<"$out"
[[ ${l[0]} =~ ^[0-9a-f]{12}$ ]] || fail "default hostname '${l[0]}': not a short ID ($out)"
expect_eq "/etc/hostname" "${l[1]}" "${l[0]}"
[[ ${l[2]} =~ ^inet\ 198\.18\.96\.[0-9]+$ ]] || fail "no bridge address on eth0: $out"
expect_eq "/etc/hosts names the container" "${l[3]}" "${l[2]#inet }	${l[0]}"
# dom0's IPv4 servers but loopback ones (from behind systemd-resolved's
# stub, as docker reads them), else docker's defaults
conf=/etc/resolv.conf
grep -qE '^nameserver[[:space:]]+127\.0\.0\.53' "$conf" 2>/dev/null &&
  [ -r /run/systemd/resolve/resolv.conf ] && conf=/run/systemd/resolve/resolv.conf
want=$(grep -E '^nameserver[[:space:]]+[0-9.]+' "$conf" 2>/dev/null | grep -vE '^nameserver[[:space:]]+127\.' |
  awk '{printf "nameserver %s ", $2}')
[ -n "$want" ] || want="nameserver 8.8.8.8 nameserver 8.8.4.4 "
expect_eq "the name servers in resolv.conf" "$(echo ${l[4]}) " "$want"
expect_eq "interfaces on the default network" "${l[5]}" "eth0 lo "
expect_eq "--add-host dom0:host-gateway" "${l[6]}" "198.18.96.1	dom0"
# --dns names its servers alone; --add-host's lines come before the
# container's own (none here)
out=$(vdkr run --rm --network none --hostname solo --dns 192.0.2.53 --add-host db:198.51.100.7 \
  "$IMG" sh -c 'echo $(ls /sys/class/net); cat /etc/hostname; grep -c "solo" /etc/hosts
  tail -n 1 /etc/hosts; grep "^nameserver" /etc/resolv.conf; true') ||
  fail "run --network none: $out"
expect_eq "--network none: lo, the hostname, no address line, --add-host, --dns" \
  "$(echo $out)" "lo solo 0 198.51.100.7 db nameserver 192.0.2.53"
vdkr run --rm --network none --add-host dom0:host-gateway "$IMG" true 2>"$W/hostgw.err"
expect_eq "host-gateway without the bridge" $? 125
grep -q "host-gateway is the bridge's gateway" "$W/hostgw.err" ||
  fail "host-gateway without the bridge: $(cat "$W/hostgw.err")"
[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] || fail "a refused run left its directory"
[ -z "$(ls /sys/class/net | grep '^veth')" ] || fail "veths left after --rm: $(ls /sys/class/net)"
leases=$(ls /var/lib/cni/networks/vdkr 2>/dev/null | grep -c '^198\.18\.96\.')
expect_eq "addresses leased after --rm" "$leases" 0
# docker's one rule for the bridge's subnet, no chain of a container's own
iptables -t nat -S POSTROUTING | grep -qxF -- "-A POSTROUTING -s 198.18.96.0/24 ! -o vdkr0 -j MASQUERADE" ||
  fail "no MASQUERADE rule for the subnet: $(iptables -t nat -S POSTROUTING)"
say "default network: eth0 on vdkr0, /etc/hosts and /etc/hostname as docker's; --network none: lo alone"

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
vdkr run --rm -p 80 "$IMG" true 2>"$W/port.err"
expect_eq "-p without a host port" $? 125
grep -q 'a host port is needed' "$W/port.err" || fail "-p 80: $(cat "$W/port.err")"
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

# ---- 5. -d, logs, ps, exec, stop, wait, rm; rmi refused meanwhile
id=$(vdkr run -d --name d1 "$IMG" sh -c \
  'echo started; echo warn >&2; trap "echo bye; exit 7" TERM; while :; do sleep 1; done') ||
  fail "run -d"
[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$id', not an ID"
t5=$(now_us)
logs_started() { vdkr logs d1 2>/dev/null | grep -q started; }
wait_until 60 logs_started ||
  fail "logs of d1: no 'started': vdkr logs said '$(vdkr logs d1 2>&1 | head -c 300)'," \
    "its directory: $(ls -la "$ROOT/containers/$id" 2>&1 | tr '\n' ' ')," \
    "stdout.log: '$(head -c 200 "$ROOT/containers/$id/stdout.log" 2>&1)'"
say "run -d: d1 started, its logs show it ($(seconds_since "$t5") s)"
vdkr ps > "$W/ps" || fail "ps"
grep -q " Up .* d1$" "$W/ps" || { cat "$W/ps"; fail "ps does not show d1 up"; }
vdkr run -d --name d1 "$IMG" true 2>"$W/dup.err"
expect_eq "a name taken" $? 125
grep -q 'is already in use' "$W/dup.err" || fail "name conflict: $(cat "$W/dup.err")"
out=$(vdkr exec d1 sh -c 'echo in exec; exit 4')
expect_eq "exec's exit status" $? 4
expect_eq "exec output" "$out" "in exec"
say "exec in d1: $(seconds_since "$t5") s"
# d1's root disk is the image's own EROFS image, hard-linked, attached
# read-only; its writes go to its guest's overlay, not to the image
domid=$(jq -r .domid "$ROOT/run/$id/state.json") || fail "d1's state.json"
expect_eq "d1's root disk is the image's (inode)" "$(stat -c %i "$ROOT/run/$id/root.img")" \
  "$(stat -c %i "$ROOT_IMAGE")"
expect_eq "d1's root disk mode in xenstore" \
  "$(xenstore-read "/local/domain/0/backend/vbd/$domid/51712/mode")" r
out=$(vdkr exec d1 sh -c 'echo w > /wrote && rm /etc/group && cat /wrote') ||
  fail "writes in d1's root: '$out'"
expect_eq "a write in d1's root" "$out" w
vdkr rmi "$IMG" 2>"$W/rmi.err"
[ $? -ne 0 ] || fail "rmi of an image a container uses succeeded"
grep -q 'is using its referenced image' "$W/rmi.err" || fail "rmi: $(cat "$W/rmi.err")"
expect_eq "stop prints the name" "$(vdkr stop d1)" d1
expect_eq "wait: the trapped TERM's exit" "$(vdkr wait d1)" 7
say "stop + wait d1: $(seconds_since "$t5") s"
vdkr ps -a > "$W/ps-a"
grep -q "Exited (7) .* d1$" "$W/ps-a" || { cat "$W/ps-a"; fail "ps -a does not show d1 exited"; }
vdkr ps | grep -q " d1$" && fail "ps without -a shows the stopped d1"
expect_eq "logs stdout" "$(vdkr logs d1 2>/dev/null | tr '\n' ' ')" "started bye "
expect_eq "logs stderr" "$(vdkr logs d1 2>&1 >/dev/null)" warn
vdkr inspect d1 | jq -e '.[0].State.ExitCode == 7 and .[0].Name == "/d1"' >/dev/null ||
  fail "inspect d1: $(vdkr inspect d1)"
expect_eq "rm" "$(vdkr rm d1)" d1
vdkr ps -a | grep -q d1 && fail "d1 still listed after rm"
# -d --rm: removed by vdkr's own child once it ends; logs -f follows to the end
# d2 shares the image's root disk too, without d1's writes
vdkr run -d --rm --name d2 "$IMG" sh -c \
  'echo one; sleep 2; [ ! -e /wrote ] && [ -e /etc/group ] && echo two' >/dev/null ||
  fail "run -d --rm"
expect_eq "logs -f" "$(vdkr logs -f d2 | tr '\n' ' ')" "one two "
gone() { [ -z "$(ls -A "$ROOT/containers")" ]; }
wait_until 60 gone || fail "-d --rm: d2 not removed after its end"
expect_eq "the image's root disk after two containers wrote in theirs" \
  "$(sha256sum < "$ROOT_IMAGE")" "$root_sum"
say "-d, logs (-f), ps (-a), exec, stop, wait, inspect, rm, -d --rm; rmi refused while used;" \
  "the image's read-only root disk shared"

# ---- 5b. --network bridge and -p: the CNI plugins make the bridge vdkr0, a
# namespace of the container's own with a veth (198.18.96.0/24, the lab's
# vxn.conf), and portmap's DNAT; vxn wires the guest's NIC to the veth
mkdir -p "$W/www" && echo hello-from-dom0 > "$W/www/index.html"
busybox httpd -f -p 0.0.0.0:18097 -h "$W/www" &
HTTPD=$!
t0=$(now_us)
out=$(vdkr run --rm --network bridge "$IMG" sh -c 'ip -4 addr | grep -o "inet 198.18.96.[0-9]*"
  timeout 30 wget -q -O - http://198.18.96.1:18097/index.html' 2>"$W/br.err")
rc=$?
say "vdkr run --network bridge, guest -> dom0: $(seconds_since "$t0") s"
[ $rc -eq 0 ] || fail "run --network bridge: exit $rc: $(cat "$W/br.err") $out"
grep -qx "inet 198.18.96.[0-9]*" <<<"$out" || fail "--network bridge: no address in: $out"
expect_eq "--network bridge: guest -> dom0 through vdkr0" "$(tail -n 1 <<<"$out")" hello-from-dom0
web='mkdir -p /dev/shm/www; echo "hello-from-$(hostname)" >/dev/shm/www/index.html
  exec httpd -f -p 80 -h /dev/shm/www'
vdkr run -d --name web --hostname web -p 127.0.0.1:18095:80 -p 18096:80 "$IMG" sh -c "$web" \
  >/dev/null 2>"$W/web.err" || fail "run -d -p: $(cat "$W/web.err")"
served() { [ "$(timeout 5 busybox wget -q -O - "http://$1/index.html" 2>/dev/null)" = hello-from-web ]; }
wait_until 180 served 127.0.0.1:18095 || fail "-p 127.0.0.1:18095:80: no answer from web"
say "vdkr run -d -p, to the first answer through the published port: $(seconds_since "$t0") s"
served 198.18.96.1:18096 || fail "-p 18096:80: no answer on the bridge's address"
ip_w=$(vdkr inspect web | jq -r '.[0].NetworkSettings.IPAddress')
[[ $ip_w =~ ^198\.18\.96\.[0-9]+$ ]] || fail "inspect web: IPAddress '$ip_w'"
expect_eq "inspect web: its published ports" \
  "$(vdkr inspect web | jq -r '.[0].NetworkSettings.Ports["80/tcp"] | map(.HostIp + ":" + .HostPort) | join(" ")')" \
  "127.0.0.1:18095 :18096"
served "$ip_w:80" || fail "dom0 -> web at the address inspect gives"
# the subnet's one MASQUERADE rule, no chain of web's own (the plugin's ipMasq)
n=$(iptables -t nat -S | grep -c -- '-N CNI-[0-9a-f]\{24\}$')
expect_eq "masquerading chains of a running container's own" "$n" 0
vdkr ps | grep -q " 127\.0\.0\.1:18095->80/tcp, 0\.0\.0\.0:18096->80/tcp  *web$" ||
  fail "ps does not show web's ports: $(vdkr ps)"
vdkr run --rm -p 18095:8080 "$IMG" true 2>"$W/taken.err"
expect_eq "-p of a host port web publishes" $? 125
grep -q 'port is already allocated' "$W/taken.err" || fail "port taken: $(cat "$W/taken.err")"
# an ended container gives its address and ports back, as under docker:
# at stop, and (no daemon sees a -d container end by itself) at the next run
expect_eq "stop web" "$(vdkr stop web)" web
expect_eq "inspect web after stop: no address" \
  "$(vdkr inspect web | jq -r '.[0].NetworkSettings.IPAddress')" ""
vdkr run --rm -p 18095:8080 "$IMG" true 2>"$W/freed.err" ||
  fail "-p of the port a stopped container published: $(cat "$W/freed.err")"
vdkr run -d --name quick -p 18094:80 "$IMG" true >/dev/null 2>"$W/quick.err" ||
  fail "run -d quick: $(cat "$W/quick.err")"
expect_eq "wait quick" "$(vdkr wait quick)" 0
vdkr run --rm -p 18094:80 "$IMG" true 2>"$W/freed2.err" ||
  fail "-p of the port an ended -d container published: $(cat "$W/freed2.err")"
expect_eq "inspect quick after its end: no address" \
  "$(vdkr inspect quick | jq -r '.[0].NetworkSettings.IPAddress')" ""
expect_eq "rm quick" "$(vdkr rm quick)" quick
expect_eq "rm web" "$(vdkr rm web)" web
kill "$HTTPD"
# nothing of the network left but the bridge itself, as Docker keeps docker0
[ -z "$(ls /sys/class/net | grep '^veth')" ] || fail "veths left: $(ls /sys/class/net)"
[ -z "$(ls /sys/class/net | grep '^vif')" ] || fail "vifs left: $(ls /sys/class/net)"
grep " $ROOT/" /proc/mounts && fail "mounts (a network namespace) left under the store"
n=$(iptables -t nat -S | grep -c -- '-N CNI-DN-\|-N CNI-[0-9a-f]\{24\}')
expect_eq "CNI's per-container NAT chains left" "$n" 0
leases=$(ls /var/lib/cni/networks/vdkr 2>/dev/null | grep -c '^198\.18\.96\.')
expect_eq "addresses still leased" "$leases" 0
say "--network bridge and -p: guest -> dom0, dom0 -> guest on 127.0.0.1 and the bridge's address"

# ---- 6. load a docker-archive, pull an oci-archive: one layer, stored once
out=$(vdkr load -i "$ENGINE_IMAGE") || fail "load"
expect_eq "load" "$out" "Loaded image: localhost/bb:latest"
skopeo copy -q "docker-archive:$ENGINE_IMAGE" "oci-archive:$W/bb-oci.tar:localhost/ocibb:v1" ||
  fail "making the oci-archive"
out=$(vdkr pull oci-archive:"$W/bb-oci.tar") || fail "pull oci-archive"
expect_eq "pull oci-archive" "$out" "Loaded image: localhost/ocibb:v1"
layers() { jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "'"$1"'") | .digest' \
  "$ROOT/images/index.json" | sed 's/sha256://' | xargs -I{} jq -r '.layers[].digest' "$ROOT/images/blobs/sha256/{}"; }
l1=$(layers localhost/bb:latest)
l2=$(layers localhost/ocibb:v1)
[ -n "$l1" ] && [ "$l1" = "$l2" ] || fail "the two images' layers differ: '$l1' vs '$l2'"
[ "$(ls "$ROOT/images/blobs/sha256" | grep -c "${l1#sha256:}")" -eq 1 ] || fail "layer not stored once"
say "load + oci-archive: layer ${l1:7:12} stored once for both images"
# save: the oci-archive's image to a docker-archive, removed, loaded back
# and run (the one guest of this part)
vdkr save -o "$W/saved.tar" localhost/ocibb:v1 2>"$W/save.err" || fail "save: $(cat "$W/save.err")"
tar tf "$W/saved.tar" | grep -qx manifest.json ||
  fail "save did not write a docker-archive: $(tar tf "$W/saved.tar" 2>&1 | head -n 5)"
expect_eq "rmi of the saved image" "$(vdkr rmi localhost/ocibb:v1)" "Untagged: localhost/ocibb:v1"
vdkr images | grep -q "^localhost/ocibb " && fail "localhost/ocibb listed after rmi"
expect_eq "load of the saved archive" "$(vdkr load -i "$W/saved.tar")" \
  "Loaded image: localhost/ocibb:v1"
expect_eq "run the saved image" "$(vdkr run --rm localhost/ocibb:v1 echo saved)" saved
vdkr save -o "$W/nosuch.tar" localhost/nosuch:1 2>"$W/save-nosuch.err"
expect_eq "save of an unknown image" $? 125
expect_eq "save of an unknown image: its one line" "$(cat "$W/save-nosuch.err")" \
  "vdkr: No such image: localhost/nosuch:1"
[ ! -e "$W/nosuch.tar" ] && [ -z "$(ls "$W" | grep '^nosuch.tar')" ] ||
  fail "a failed save left $(ls "$W" | grep '^nosuch.tar')"
rm -f "$W/saved.tar"
say "save: a docker-archive, loaded back after rmi and run; an unknown image refused"

# ---- 6b. two pulls at once; a pull killed midway leaves no half image
vdkr pull -q "$REG/busybox:two" & p1=$!
vdkr pull -q "$REG/other" & p2=$!
wait $p1 || fail "concurrent pull 1"
wait $p2 || fail "concurrent pull 2"
vdkr images > "$W/images2"
grep -q "^$IMG  *two " "$W/images2" && grep -q "^$REG/other  *latest " "$W/images2" ||
  { cat "$W/images2"; fail "concurrent pulls: an image is missing"; }
jq -e '.manifests | length == 5' "$ROOT/images/index.json" >/dev/null ||
  fail "index.json after concurrent pulls: $(cat "$ROOT/images/index.json")"
vdkr rmi "$REG/other" >/dev/null || fail "rmi other"
# whole NAME: its manifest, config and layers are all in the store, each
# with the content its digest names
whole() {
  local m d
  m=$(jq -r --arg n "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' \
    "$ROOT/images/index.json")
  [ -n "$m" ] || return 1
  for d in "$m" $(jq -r '.config.digest, .layers[].digest' "$ROOT/images/blobs/sha256/${m#sha256:}"); do
    [ "$(sha256sum < "$ROOT/images/blobs/sha256/${d#sha256:}" | cut -d' ' -f1)" = "${d#sha256:}" ] || return 1
  done
}
whole "$IMG:two" || fail "whole() does not see a whole image"
for delay in 0.2 0.5 1 2; do
  vdkr pull -q "$REG/other" >/dev/null 2>&1 & p=$!
  sleep "$delay"
  kill -KILL $p 2>/dev/null
  wait $p 2>/dev/null
  if vdkr images | grep -q "^$REG/other "; then
    # listed: then whole, every blob there with its digest
    whole "$REG/other:latest" || fail "a killed pull left $REG/other listed but not whole"
    vdkr rmi "$REG/other" >/dev/null || fail "rmi after killed pull"
  fi
done
vdkr pull -q "$REG/other" >/dev/null || fail "pull after killed pulls"
[ -z "$(ls -A "$ROOT/tmp")" ] || fail "a killed pull's files are left in tmp: $(ls "$ROOT/tmp")"
say "two pulls at once, killed pulls: the store stays whole"

# ---- 6c. no room: a registry pull into a full store and a save onto a full
# filesystem each fail with one line naming the lack of space, status 125,
# and leave nothing: no blob of the failed pull, no half archive
F=$W/full
mkdir -p "$F" && mount -t tmpfs -o size=512k vdkr-full "$F" || fail "tmpfs for the full store"
"$VDKR" --root "$F/root" --log "$VLOG" pull -q "$IMG" >/dev/null 2>"$W/full-pull.err"
expect_eq "pull into a full store" $? 125
[ "$(wc -l < "$W/full-pull.err")" -eq 1 ] && grep -q 'No space left on device' "$W/full-pull.err" ||
  fail "pull into a full store: not one line about space: $(cat "$W/full-pull.err")"
left=$(find "$F/root" -type f -path '*blobs*' 2>/dev/null | wc -l)
expect_eq "blobs left by the failed pull" "$left" 0
[ -z "$(ls -A "$F/root/tmp" 2>/dev/null)" ] || fail "the failed pull left $(ls "$F/root/tmp")"
"$VDKR" --root "$F/root" --log "$VLOG" images | grep -q "$IMG" && fail "a failed pull is listed"
umount "$F" && mount -t tmpfs -o size=256k vdkr-full "$F" || fail "tmpfs for the full save"
vdkr save -o "$F/bb.tar" "$IMG:two" 2>"$W/full-save.err"
expect_eq "save onto a full filesystem" $? 125
[ "$(wc -l < "$W/full-save.err")" -eq 1 ] && grep -q 'No space left on device' "$W/full-save.err" ||
  fail "save onto a full filesystem: not one line about space: $(cat "$W/full-save.err")"
[ -z "$(ls -A "$F")" ] || fail "a failed save left $(ls -A "$F")"
umount "$F" || fail "umount the full tmpfs"
say "no room: pull ($(cat "$W/full-pull.err")) and save ($(cat "$W/full-save.err")) left nothing"

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

# ---- 8. vmemres: a guest kept booted (vxn's warm pool) takes the next run
vdkr vmemres start >/dev/null || fail "vmemres start"
vdkr vmemres status | grep -q ready || fail "vmemres status: $(vdkr vmemres status)"
t0=$(now_us)
expect_eq "run with vmemres" "$(vdkr run --rm "$IMG" echo warm)" warm
say "vdkr run --rm with vmemres started: $(seconds_since "$t0") s"
vdkr vmemres status | grep -q ready && fail "the pool guest was not taken: $(vdkr vmemres status)"
vdkr vmemres stop || fail "vmemres stop"

# ---- nothing left
vdkr rmi "$IMG" "$IMG:two" "$REG/other" localhost/bb localhost/ocibb:v1 >/dev/null || fail "rmi all"
jq -e '.manifests | length == 0' "$ROOT/images/index.json" >/dev/null || fail "index not empty"
[ -z "$(ls -A "$ROOT/images/blobs/sha256")" ] || fail "blobs left after rmi of every image"
only_dom0 "at the end"
no_loops "at the end"
say "PASS"
