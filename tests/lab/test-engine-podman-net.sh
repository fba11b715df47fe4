#!/usr/bin/env bash
# Podman's networks on vxn (Podman 4.3 with CNI: the network namespace comes
# by path in config.json): the default network (198.18.64.0/24 here) from the
# guest to the host's bridge address, -p 127.0.0.1:PORT:80 to busybox httpd
# in a guest, a second named network (198.18.65.0/24) container ->
# container by IP, from a container on both networks from its start;
# network connect and disconnect of a running one. Storage, run, tmp and CNI dirs private; nothing left.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/engine-lib.sh"
engine_init podman-net /usr/bin/podman /usr/bin/conmon
[ -x /usr/lib/cni/bridge ] || skip "podman-net: no CNI plugins (containernetworking-plugins)"
command -v ip >/dev/null && command -v tc >/dev/null || skip "iproute2 (ip, tc) not installed"
engine_image
E=$ENGINE_DIR
HTTPD=
net_cleanup() {
  [ -z "$HTTPD" ] || kill "$HTTPD" 2>/dev/null
  engine_cleanup
  ip link del cni-podman0 2>/dev/null
  ip link del cni-podman1 2>/dev/null
}
trap net_cleanup EXIT
ip link set lo up
mkdir -p "$E/cni"
{ engine_config 50-vxn.conf; cat <<CONF
[network]
network_backend = "cni"
network_config_dir = "$E/cni"
default_subnet = "198.18.64.0/24"
cni_plugin_dirs = ["/usr/lib/cni"]
CONF
} > "$E/containers.conf"
export CONTAINERS_CONF=$E/containers.conf
podman() {
  /usr/bin/podman --root "$E/storage" --runroot "$E/runroot" --tmpdir "$E/tmp" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
}
podman load -i "$ENGINE_IMAGE" >/dev/null || fail "podman load"
R=(--runtime vxn)

# ---- 1. the default network: guest -> the host's bridge address
mkdir -p "$LAB_WORK/www"
echo hello-from-dom0 >"$LAB_WORK/www/index.html"
busybox httpd -f -p 0.0.0.0:8080 -h "$LAB_WORK/www" &
HTTPD=$!
out=$(podman run --rm "${R[@]}" "$IMAGE" sh -c 'ip addr show dev eth0 | grep -o "inet 198.18.64.[0-9]*";
  timeout 30 wget -q -O - http://198.18.64.1:8080/index.html' 2>"$E/default.err")
rc=$?
[ "$rc" -eq 0 ] || fail "default network: exit $rc: $(cat "$E/default.err") $out"
echo "$out" | grep -qx "inet 198.18.64.[0-9]*" || fail "default network: no address in $out"
expect_eq "default network: guest -> host" "$(echo "$out" | tail -n 1)" hello-from-dom0

# ---- 2. -p 127.0.0.1:18081:80
# (the page on the guest's own tmpfs: twice in the lab, httpd serving a
# file just written to a shared root hung every request; see README)
web='mkdir -p /dev/shm/www; echo "hello-from-$(hostname)" >/dev/shm/www/index.html; exec httpd -f -p 80 -h /dev/shm/www'
podman run -d "${R[@]}" --name web --hostname web -p 127.0.0.1:18081:80 "$IMAGE" sh -c "$web" \
  >/dev/null 2>"$E/web.err" || fail "podman run -p: $(cat "$E/web.err")"
got=
end=$((SECONDS + 180))  # by the clock: each try may take its 5 s
while [ "$SECONDS" -lt "$end" ]; do
  got=$(timeout 5 busybox wget -q -O - http://127.0.0.1:18081/index.html 2>/dev/null) && break
  sleep 1
done
expect_eq "podman -p 127.0.0.1:18081:80" "$got" hello-from-web

# ---- 3. a second named network: container -> container by IP
podman network create --subnet 198.18.65.0/24 vxn-net2 >/dev/null || fail "podman network create"
podman run -d "${R[@]}" --name srv --hostname srv --network vxn-net2 --ip 198.18.65.10 "$IMAGE" \
  sh -c "$web" >/dev/null 2>"$E/srv.err" || fail "podman run srv: $(cat "$E/srv.err")"
# ... from a container on both networks from its start: CNI gives it eth0
# and eth1, and its guest has both NICs before its process runs
out=$(podman run --rm "${R[@]}" --network podman,vxn-net2 "$IMAGE" sh -c 'for i in $(seq 120); do
  timeout 5 wget -q -O - http://198.18.65.10/index.html && break; sleep 1; done
  ls /sys/class/net | grep -c "^eth"
  ip -4 addr | grep -o "inet 198.18.6[45].[0-9]*" | sort
  timeout 30 wget -q -O - http://198.18.64.1:8080/index.html' 2>"$E/cli.err")
echo "$out" | grep -q "^inet 198.18.64." && echo "$out" | grep -q "^inet 198.18.65." ||
  fail "two networks: not both addresses in: $out $(cat "$E/cli.err")"
expect_eq "two networks at start: container -> container on the second, two NICs, guest -> host on the default" \
  "$(echo "$out" | grep -v ^inet)" "$(printf 'hello-from-srv\n2\nhello-from-dom0')"

# ---- 3b. podman network connect and disconnect of the running web: CNI
# adds eth1 to the namespace at the path, where vxn's monitor lives, and
# the guest gets a NIC for it (host/netplug.c), then loses it
net_connect_check podman vxn-net2 198.18.65.20 198.18.65.10
net_disconnect_check podman vxn-net2
podman rm -f web >/dev/null || fail "podman rm -f web"
podman rm -f srv >/dev/null || fail "podman rm -f srv"
podman network rm vxn-net2 >/dev/null || fail "podman network rm"

# ---- 4. nothing left
[ -z "$(podman ps -aq)" ] || fail "containers left: $(podman ps -a)"
engine_final_checks "after podman networks"
left=$(ls /sys/class/net | grep '^vif')
[ -z "$left" ] || fail "vifs left: $left"
echo "ok"
