#!/usr/bin/env bash
# Docker's networks on vxn: the default bridge (198.18.0.0/24 here) from the
# guest to a server on the host's bridge address, also from a warm pool
# guest (which gets the engine's files too); -p 127.0.0.1:PORT:80 to
# busybox httpd in a guest; a user-defined network (198.18.5.0/24 and
# 2001:db8:5::/64), container -> container by IPv4, by IPv6 and by name
# (Docker's DNS at 127.0.0.11, relayed over the channel);
# --network=container:X refused with the reason. One dockerd with iptables
# off (-p goes through docker-proxy), all state in a private tmpfs;
# afterwards nothing is left: no domain, no vif, no loop device, no state.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/engine-lib.sh"
engine_init docker-net /usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd
command -v ip >/dev/null && command -v tc >/dev/null || skip "iproute2 (ip, tc) not installed"
engine_image
E=$ENGINE_DIR
MOBY_ROOT=$E/exec/runtime-runc/moby
# bounded: a hang fails with the logs instead of meeting run-all's timeout
docker() { timeout 600 /usr/bin/docker "$@"; }
HTTPD=
net_cleanup() {
  [ -z "$HTTPD" ] || kill "$HTTPD" 2>/dev/null
  engine_cleanup
  ip link del docker0 2>/dev/null
}
trap net_cleanup EXIT
ip link set lo up  # docker-proxy listens on 127.0.0.1

engine_config daemon-default.json > "$E/vxn-daemon.json"
jq -s '.[0] * .[1]' "$E/vxn-daemon.json" - > "$E/daemon.json" <<JSON || fail "daemon.json"
{
  "data-root": "$E/data", "exec-root": "$E/exec", "pidfile": "$E/docker.pid",
  "hosts": ["unix://$E/docker.sock"], "storage-driver": "vfs",
  "iptables": false, "ip-forward": false, "ip-masq": false,
  "bip": "198.18.0.1/24",
  "default-address-pools": [{"base": "198.18.128.0/17", "size": 24}]
}
JSON
engine_daemon "$E/dockerd.log" /usr/sbin/dockerd --config-file "$E/daemon.json"
export DOCKER_HOST=unix://$E/docker.sock
wait_until 120 docker version || fail "dockerd did not answer within 120 s"
docker load -i "$ENGINE_IMAGE" >/dev/null || fail "docker load"
gw=$(docker network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}')
expect_eq "the default bridge's gateway" "$gw" 198.18.0.1

# ---- 1. the default bridge: guest -> a server on the host's bridge address
mkdir -p "$LAB_WORK/www"
echo hello-from-dom0 >"$LAB_WORK/www/index.html"
busybox httpd -f -p 198.18.0.1:8080 -h "$LAB_WORK/www" &
HTTPD=$!
t0=$(now_us)
out=$(docker run --rm "$IMAGE" sh -c 'ip addr show dev eth0 | grep -o "inet 198.18.0.[0-9]*";
  timeout 30 wget -q -O - http://198.18.0.1:8080/index.html' 2>"$E/bridge.err")
rc=$?
say "docker run on the default bridge: $(seconds_since "$t0") s"
[ "$rc" -eq 0 ] || fail "default bridge: exit $rc: $(cat "$E/bridge.err") $out"
echo "$out" | grep -qx "inet 198.18.0.[0-9]*" || fail "default bridge: no address in $out"
expect_eq "default bridge: guest -> host" "$(echo "$out" | tail -n 1)" hello-from-dom0

# ---- 1b. the warm pool: a read-only container (what the pool serves with
# rootfs = share: no write to keep) on the default bridge takes the pool
# guest, its NIC added to the running guest when claimed, and still gets
# the engine's files (copied into its hot-plugged root disk)
pool() { "$VXN" pool "$@"; }
pool fill 1 || fail "vxn pool fill 1"
t0=$(now_us)
out=$(docker run --rm --read-only --hostname pooled "$IMAGE" \
  sh -c 'hostname; cat /etc/hostname; timeout 30 wget -q -O - http://198.18.0.1:8080/index.html; exit 6' \
  2>"$E/pool.err")
rc=$?
say "docker run on the default bridge from the warm pool: $(seconds_since "$t0") s"
expect_eq "pool guest: exit status" "$rc" 6
expect_eq "pool guest on the default bridge: the engine's hostname, guest -> host" "$out" \
  "$(printf 'pooled\npooled\nhello-from-dom0')"
expect_eq "pool guests left after the run" "$(pool list | grep -c ' ready$')" 0
pool drain || fail "vxn pool drain"

# ---- 2. -p 127.0.0.1:18080:80 to httpd in a guest
# (the page on the guest's own tmpfs: twice in the lab, httpd serving a
# file just written to a shared root hung every request; see README)
web='mkdir -p /dev/shm/www; echo "hello-from-$(hostname)" >/dev/shm/www/index.html; exec httpd -f -p 80 -h /dev/shm/www'
docker run -d --name web --hostname web -p 127.0.0.1:18080:80 "$IMAGE" sh -c "$web" >/dev/null \
  2>"$E/web.err" || fail "docker run -p: $(cat "$E/web.err")"
got=
end=$((SECONDS + 180))  # by the clock: each try may take its 5 s
while [ "$SECONDS" -lt "$end" ]; do
  got=$(timeout 5 busybox wget -q -O - http://127.0.0.1:18080/index.html 2>/dev/null) && break
  sleep 1
done
expect_eq "-p 127.0.0.1:18080:80" "$got" hello-from-web
# ---- --network=container:X: refused, saying why
docker run --rm --network=container:web "$IMAGE" true >/dev/null 2>"$E/cont.err" &&
  fail "--network=container: succeeded"
grep -q "cannot share another" "$E/cont.err" ||
  fail "--network=container: no clear error: $(cat "$E/cont.err")"

# ---- 3. a user-defined network, IPv4 and IPv6 (the documentation
# prefix): container -> container by IP, each family, and by name
docker network create --ipv6 --subnet 198.18.5.0/24 --subnet 2001:db8:5::/64 vxn-net >/dev/null ||
  fail "docker network create"
docker run -d --name srv --hostname srv --network vxn-net --ip 198.18.5.10 --ip6 2001:db8:5::10 \
  "$IMAGE" sh -c "$web" >/dev/null 2>"$E/srv.err" || fail "docker run srv: $(cat "$E/srv.err")"
# ---- 3b. by name too: Docker's embedded DNS (127.0.0.11 in the namespace,
# where srv's pid, vxn's monitor, lives), relayed by guest-init and the
# monitor. One client container for all (each run takes seconds), on two
# networks from its start (docker network connect before docker start):
# the guest has both NICs before its process runs, and reaches dom0's
# server through the default bridge too.
mon=$(docker inspect -f '{{.State.Pid}}' srv)
if command -v nsenter >/dev/null && [ -n "$mon" ]; then
  say "srv's namespace: resolver sockets: $(nsenter -t "$mon" -n cat /proc/net/udp |
    awk '$2 ~ /^0B00007F:/ {print $2}' | tr '\n' ' ')"
  say "srv's namespace: nat rules: $(nsenter -t "$mon" -n iptables -t nat -S 2>&1 |
    grep -c -- '-j DNAT') DNAT"
fi
t0=$(now_us)
docker create --name cli --network vxn-net "$IMAGE" sh -c 'for i in $(seq 120); do
  timeout 5 wget -q -O - http://198.18.5.10/index.html && break; sleep 1; done
  ip -6 addr | grep -o "inet6 2001:db8:5::[0-9a-f]*"
  timeout 10 wget -q -O - "http://[2001:db8:5::10]/index.html"
  grep -q "^nameserver 127.0.0.11" /etc/resolv.conf || { cat /etc/resolv.conf; exit 2; }
  nslookup srv 127.0.0.11 | grep -q "198.18.5.10" || { nslookup srv 127.0.0.11; exit 3; }
  timeout 20 wget -q -O - http://srv/index.html
  ls /sys/class/net | grep -c "^eth"
  timeout 20 wget -q -O - http://198.18.0.1:8080/index.html' >/dev/null 2>"$E/cli.err" ||
  fail "docker create cli: $(cat "$E/cli.err")"
docker network connect bridge cli 2>>"$E/cli.err" || fail "docker network connect bridge cli: $(cat "$E/cli.err")"
out=$(docker start -a cli 2>>"$E/cli.err")
rc=$?
say "docker start of a container on a user network and the bridge, by IP, IPv6 and name: $(seconds_since "$t0") s"
[ "$rc" -eq 0 ] || fail "user network: exit $rc: $(cat "$E/cli.err") $out"
docker rm cli >/dev/null || fail "docker rm cli"
echo "$out" | grep -qx "inet6 2001:db8:5::[0-9a-f]*" || fail "no IPv6 address from Docker: $out"
expect_eq "two networks at start: container -> container on the user network (IPv4, IPv6, by name), two NICs, guest -> host on the bridge" \
  "$(echo "$out" | grep -v inet6)" "$(printf 'hello-from-srv\nhello-from-srv\nhello-from-srv\n2\nhello-from-dom0')"

# ---- 3c. docker network connect and disconnect of the running web (no
# runtime call: the engine changes the namespace, where vxn's monitor
# lives and sees it): the guest gets a NIC for the new interface, and
# loses it again
net_connect_check docker vxn-net 198.18.5.20 198.18.5.10
# what web's monitor did, from its log (the bundle's log.json, where the
# shim points vxn's --log)
web_id=$(docker inspect -f '{{.Id}}' web)
say "web's monitor: $(find "$ENGINE_DIR" /run -path "*$web_id*" \( -name log.json -o -name monitor.log \) \
  -exec grep -h -E 'net: |NET_ADD|net-sync' {} + 2>/dev/null | tr '\n' '|')"
out=$(docker exec srv timeout 10 wget -q -O - http://198.18.5.20/index.html 2>&1)
expect_eq "network connect: srv -> web's new address" "$out" hello-from-web
net_disconnect_check docker vxn-net
got=$(timeout 10 busybox wget -q -O - http://127.0.0.1:18080/index.html 2>&1)
expect_eq "network disconnect: web still on its first network (-p)" "$got" hello-from-web
docker rm -f web >/dev/null || fail "docker rm -f web"

docker rm -f srv >/dev/null || fail "docker rm -f srv"
docker network rm vxn-net >/dev/null || fail "docker network rm"

# ---- 4. --network=none (lo only): test-engine-docker, whose containers
# all have it

# ---- 5. nothing left
[ -z "$(docker ps -aq)" ] || fail "containers left: $(docker ps -a)"
engine_stop
engine_final_checks "after docker networks" "$MOBY_ROOT"
left=$(ls /sys/class/net | grep '^vif')
[ -z "$left" ] || fail "vifs left: $left"
echo "ok"
