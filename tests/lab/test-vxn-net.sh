#!/usr/bin/env bash
# The container's network namespace and OCI hooks, without an engine:
# prestart/createRuntime see the state (status creating, the pid-file
# process, which lives in a network namespace of its own), poststart and
# poststop run; a failing or hanging prestart hook fails create and leaves
# nothing; a namespace given by path with a veth in it (198.51.100.0/24 and
# the IPv6 documentation prefix 2001:db8:51::/64) reaches the guest: eth0
# has the veth's MAC, MTU, IPv4 and IPv6 addresses and default routes, the
# guest fetches from dom0 and serves dom0, over IPv4 and over IPv6; the namespace is reusable after delete
# (no vif, no qdisc left); a missing namespace path is refused by name;
# without a veth the guest has lo only.
set -u
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_init
command -v jq >/dev/null || skip "jq not installed"
command -v ip >/dev/null && command -v tc >/dev/null || skip "iproute2 (ip, tc) not installed"

out=$LAB_WORK/out
mkdir -p "$out"
NS=vxn-lab-net
HTTPD=
net_cleanup() {
  [ -z "$HTTPD" ] || kill "$HTTPD" 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  ip link del vxnh0 2>/dev/null
  lab_cleanup
}
trap net_cleanup EXIT
ip link set lo up

# edit BUNDLE JQ-ARGS...: config.json through jq
edit() {
  local b=$1
  shift
  jq "$@" "$b/config.json" >"$b/config.new" && mv "$b/config.new" "$b/config.json" ||
    fail "editing $b/config.json"
}
no_vifs() {
  local left
  left=$(ls /sys/class/net | grep '^vif' ; ip -n "$NS" -o link 2>/dev/null | grep -o 'vif[0-9.]*')
  [ -z "$left" ] || fail "$1: vif left: $left"
}
nothing_left() {
  [ ! -e "$VXN_ROOT/$2" ] || fail "$1: state dir left"
  only_dom0 "$1"
  no_loops "$1"
  no_vifs "$1"
}

# ---- 1. hooks at runc's points, with the state on stdin
cat >"$LAB_WORK/rec" <<'SH'
#!/bin/sh
cat >"$1"
SH
chmod 755 "$LAB_WORK/rec"
make_bundle "$LAB_WORK/hooks" -- /bin/sh -c 'echo up'
edit "$LAB_WORK/hooks" --arg h "$LAB_WORK/rec" --arg o "$out" '.hooks = {
  prestart: [{path: $h, args: ["rec", ($o + "/prestart.json")]}],
  createRuntime: [{path: $h, args: ["rec", ($o + "/createRuntime.json")], timeout: 30}],
  poststart: [{path: $h, args: ["rec", ($o + "/poststart.json")]}],
  poststop: [{path: $h, args: ["rec", ($o + "/poststop.json")]}]}'
vxn create --bundle "$LAB_WORK/hooks" --pid-file "$LAB_WORK/hooks.pid" hooks \
  >"$out/hooks.out" 2>"$out/hooks.err" || fail "create with hooks: $(cat "$out/hooks.err")"
pid=$(cat "$LAB_WORK/hooks.pid")
expect_eq "prestart state: status" "$(jq -r .status "$out/prestart.json")" creating
expect_eq "prestart state: pid" "$(jq -r .pid "$out/prestart.json")" "$pid"
expect_eq "prestart state: id" "$(jq -r .id "$out/prestart.json")" hooks
expect_eq "createRuntime state: pid" "$(jq -r .pid "$out/createRuntime.json")" "$pid"
[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
  fail "the pid-file process is in dom0's network namespace"
[ ! -e "$out/poststart.json" ] || fail "poststart ran at create"
vxn start hooks || fail "start hooks"
wait_for_state hooks stopped 300 || fail "hooks did not stop"
expect_eq "poststart state: status" "$(jq -r .status "$out/poststart.json")" running
expect_eq "output" "$(cat "$out/hooks.out")" up
vxn delete hooks || fail "delete hooks"
expect_eq "poststop state: status" "$(jq -r .status "$out/poststop.json")" stopped
nothing_left "after hooks" hooks

# ---- 2. a failing prestart hook fails create, and nothing is left
make_bundle "$LAB_WORK/bad" -- /bin/true
edit "$LAB_WORK/bad" '.hooks = {prestart: [{path: "/bin/false"}]}'
"$VXN" --root "$VXN_ROOT" create --bundle "$LAB_WORK/bad" bad </dev/null >/dev/null 2>"$out/bad.err" && fail "create with a failing hook succeeded"
grep -q "prestart hook /bin/false failed" "$out/bad.err" || fail "failing hook: $(cat "$out/bad.err")"
expect_eq "error lines" "$(wc -l <"$out/bad.err")" 1
nothing_left "after a failing hook" bad
# ---- and one that hangs past its timeout
edit "$LAB_WORK/bad" '.hooks = {prestart: [{path: "/bin/sleep", args: ["sleep", "600"], timeout: 2}]}'
t0=$(now_us)
"$VXN" --root "$VXN_ROOT" create --bundle "$LAB_WORK/bad" bad </dev/null >/dev/null 2>"$out/hang.err" && fail "create with a hanging hook succeeded"
grep -q "prestart hook /bin/sleep: timed out after 2 s" "$out/hang.err" || fail "hanging hook: $(cat "$out/hang.err")"
say "hanging hook refused after $(seconds_since "$t0") s"
nothing_left "after a hanging hook" bad

# ---- 3. a namespace given by path, with a veth: the guest is on
# 198.51.100.0/24 and 2001:db8:51::/64 (addresses without duplicate address
# detection, as Docker adds a container's)
ip netns add "$NS" || fail "ip netns add"
ip link add vxnh0 type veth peer name vxnc0 || fail "ip link add veth"
ip link set vxnc0 netns "$NS" || fail "veth into $NS"
ip addr add 198.51.100.1/24 dev vxnh0 && ip addr add 2001:db8:51::1/64 dev vxnh0 nodad &&
  ip link set vxnh0 up || fail "host side of the veth"
ip -n "$NS" addr add 198.51.100.2/24 dev vxnc0 && ip -n "$NS" addr add 2001:db8:51::2/64 dev vxnc0 nodad &&
  ip -n "$NS" link set vxnc0 mtu 1400 up && ip -n "$NS" route add default via 198.51.100.1 &&
  ip -n "$NS" -6 route add default via 2001:db8:51::1 || fail "container side of the veth"
mac=$(ip -n "$NS" -o link show vxnc0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mkdir -p "$LAB_WORK/www"
echo hello-from-dom0 >"$LAB_WORK/www/index.html"
# every dom0 address, IPv4 and IPv6: the test's own namespace is the only
# one that reaches it from a guest
busybox httpd -f -p 8080 -h "$LAB_WORK/www" &
HTTPD=$!
make_bundle "$LAB_WORK/get" -- /bin/sh -c 'cat /sys/class/net/eth0/address /sys/class/net/eth0/mtu;
  ip addr show dev eth0 | grep -o "inet [0-9./]*"; ip route | grep -o "default via [0-9.]*";
  ip -6 addr show dev eth0 | grep -o "inet6 [0-9a-f:/]*" | grep -v "inet6 fe80:";
  ip -6 route | grep -o "default via [0-9a-f:]*";
  timeout 30 wget -q -O - http://198.51.100.1:8080/index.html;
  timeout 30 wget -q -O - "http://[2001:db8:51::1]:8080/index.html"'
edit "$LAB_WORK/get" --arg p "/run/netns/$NS" \
  '.linux.namespaces = [(.linux.namespaces[] | select(.type != "network")), {type: "network", path: $p}]'
t0=$(now_us)
vxn run --bundle "$LAB_WORK/get" get </dev/null >"$out/get.out" 2>"$out/get.err" ||
  fail "guest -> dom0 over the veth exited $?: $(cat "$out/get.err") $(cat "$out/get.out")"
say "guest -> dom0: $(seconds_since "$t0") s"
expect_eq "eth0 of the guest" "$(cat "$out/get.out")" "$(printf '%s\n1400\ninet 198.51.100.2/24\ndefault via 198.51.100.1\ninet6 2001:db8:51::2/64\ndefault via 2001:db8:51::1\nhello-from-dom0\nhello-from-dom0' "$mac")"
vxn delete get || fail "delete get"
nothing_left "after guest -> dom0" get
tc -n "$NS" qdisc show dev vxnc0 | grep -q ingress && fail "the veth's ingress qdisc was left"

# ---- the same namespace again, now dom0 -> guest
# (the page on the guest's own tmpfs: twice in the lab, httpd serving a
# file just written to a shared root hung every request; see README)
make_bundle "$LAB_WORK/srv" -- /bin/sh -c 'mkdir -p /dev/shm/www; echo hello-from-guest >/dev/shm/www/index.html;
  exec httpd -f -p 80 -h /dev/shm/www'
edit "$LAB_WORK/srv" --arg p "/run/netns/$NS" \
  '.linux.namespaces = [(.linux.namespaces[] | select(.type != "network")), {type: "network", path: $p}]'
vxn create --bundle "$LAB_WORK/srv" srv </dev/null >"$out/srv.out" 2>"$out/srv.err" || fail "create srv: $(cat "$out/srv.err")"
vxn start srv || fail "start srv"
got=
end=$((SECONDS + 180))  # by the clock: each try may take its 5 s
while [ "$SECONDS" -lt "$end" ]; do
  got=$(timeout 5 busybox wget -q -O - http://198.51.100.2/index.html 2>/dev/null) && break
  sleep 1
done
if [ "$got" != hello-from-guest ]; then
  say "srv: $(state_of srv); FORWARD policy: $(iptables -S FORWARD 2>/dev/null | head -n 1)"
  say "routes to 198.51.100.2: $(ip route get 198.51.100.2 2>&1)"
  say "srv's console: $(tail -n 8 "$VXN_ROOT/srv/console.log" 2>/dev/null | tr '\n' '|')"
fi
expect_eq "dom0 -> guest" "$got" hello-from-guest
got6=$(timeout 10 busybox wget -q -O - "http://[2001:db8:51::2]/index.html" 2>&1)
expect_eq "dom0 -> guest over IPv6" "$got6" hello-from-guest
vxn kill srv KILL || fail "kill srv"
wait_for_state srv stopped 120 || fail "srv did not stop"
vxn delete srv || fail "delete srv"
nothing_left "after dom0 -> guest" srv
tc -n "$NS" qdisc show dev vxnc0 | grep -q ingress && fail "the veth's ingress qdisc was left (srv)"

# ---- 4. a namespace path that does not exist
make_bundle "$LAB_WORK/nons" -- /bin/true
edit "$LAB_WORK/nons" '.linux.namespaces = [{type: "network", path: "/run/netns/vxn-lab-none"}]'
"$VXN" --root "$VXN_ROOT" create --bundle "$LAB_WORK/nons" nons </dev/null >/dev/null 2>"$out/nons.err" && fail "create in a missing netns succeeded"
grep -q "/run/netns/vxn-lab-none" "$out/nons.err" || fail "missing netns: $(cat "$out/nons.err")"
nothing_left "after a missing netns" nons

# ---- 5. a new namespace without a veth: lo only
make_bundle "$LAB_WORK/lo" -- /bin/sh -c 'ls /sys/class/net; ip addr show dev lo | grep -o "inet [0-9./]*"'
vxn run --bundle "$LAB_WORK/lo" lo </dev/null >"$out/lo.out" 2>"$out/lo.err" || fail "lo only: $(cat "$out/lo.err")"
expect_eq "interfaces without a veth" "$(cat "$out/lo.out")" "$(printf 'lo\ninet 127.0.0.1/8')"
vxn delete lo || fail "delete lo"
nothing_left "at the end" lo
echo "PASS"
