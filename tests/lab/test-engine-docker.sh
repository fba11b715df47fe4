#!/usr/bin/env bash
# Docker driving vxn (`docker run --runtime=vxn`, and as the default runtime,
# configs/engines/docker-daemon-default.json): output, exit codes, -e/-w/-u/--hostname,
# --network=none (lo only), --network=host,
# -d + docker exec + docker logs
# (stdout and stderr apart) + docker stop (trapped TERM -> its code; a plain
# sleep, PID 1 of its namespace as under runc, ignores TERM: -t 1 -> 137; TERM
# ignored past -t 2 -> 137) + docker wait, ps and exec inside the container's
# PID namespace, docker run --init, docker run -it through
# a pty (script), volumes, the container's
# writes in its layer (diff, cp, commit, start again, a classic build). One dockerd (and its
# containerd), all state in a private tmpfs; afterwards nothing is left.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/engine-lib.sh"
engine_init docker /usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd
engine_image
E=$ENGINE_DIR
# Docker's --root for every runtime: EXEC_ROOT/runtime-runc/moby
MOBY_ROOT=$E/exec/runtime-runc/moby
docker() { /usr/bin/docker "$@"; }  # not another docker CLI earlier on PATH

# The shipped daemon.json with vxn as the default runtime (the
# default-runtime variant) plus what a private daemon without systemd needs.
engine_config daemon-default.json > "$E/vxn-daemon.json"
jq -s '.[0] * .[1]' "$E/vxn-daemon.json" - > "$E/daemon.json" <<JSON || fail "daemon.json"
{
  "data-root": "$E/data", "exec-root": "$E/exec", "pidfile": "$E/docker.pid",
  "hosts": ["unix://$E/docker.sock"], "storage-driver": "vfs",
  "iptables": false, "ip-forward": false, "ip-masq": false, "bridge": "none"
}
JSON
t0=$(now_us)
engine_daemon "$E/dockerd.log" /usr/sbin/dockerd --config-file "$E/daemon.json"
export DOCKER_HOST=unix://$E/docker.sock
wait_until 120 docker version || fail "dockerd did not answer within 120 s"
say "dockerd up: $(seconds_since "$t0") s"
docker info --format '{{json .Runtimes}}' | grep -q '"vxn"' || fail "no vxn runtime in docker info"
expect_eq "docker's default runtime" "$(docker info --format '{{.DefaultRuntime}}')" vxn
docker load -i "$ENGINE_IMAGE" >/dev/null || fail "docker load"
R=(--runtime=vxn --network=none)
T0=$(now_us)

# ---- 1. hello, exit codes, -e -w -u --hostname, --network=none (lo
# only), the default runtime (no
# --runtime: a Xen guest with its own kernel); one container, as each takes
# seconds through dockerd, containerd and the shim; --runtime=vxn from 2 on
t0=$(now_us)
out=$(docker run --rm --network=none -e FOO=bar -w /tmp -u 1000:1000 --hostname hx "$IMAGE" \
  sh -c 'echo hello; uname -r; echo "$FOO $(pwd) $(id -u):$(id -g) $(hostname) $(cat /etc/hostname)"
    echo $(ls /sys/class/net); exit 3' \
  2>"$E/hello.err")
rc=$?
say "docker run --rm sh -c 'echo hello; ...': $(seconds_since "$t0") s"
expect_eq "docker run output" "$(sed -n 1p <<<"$out")" hello
kernel=$(sed -n 2p <<<"$out")
[ -n "$kernel" ] && [ "$kernel" != "$(uname -r)" ] ||
  fail "default-runtime: the container did not run in a guest (kernel '$kernel', dom0 $(uname -r)): $(cat "$E/hello.err")"
say "default-runtime vxn: the container's kernel is $kernel, dom0's $(uname -r)"
expect_eq "-e -w -u --hostname" "$(sed -n 3p <<<"$out")" "bar /tmp 1000:1000 hx hx"
expect_eq "--network=none: lo only" "$(sed -n 4p <<<"$out")" lo
expect_eq "exit status through docker run" "$rc" 3
# Docker's networks: test-engine-docker-net.sh

# ---- 2. detached (started together): logs, exec, stop, wait; plain runs
# with --network=host
say "section 2 at $(seconds_since "$T0") s"
pids=()
docker run -d "${R[@]}" --name trapped "$IMAGE" \
  sh -c 'trap "exit 7" TERM; echo out1; echo err1 >&2; while :; do sleep 0.2; done' \
  >/dev/null 2>"$E/trapped.err" & pids+=($!)
docker run -d --runtime=vxn --network=host --name plain "$IMAGE" \
  sh -c 'echo plain; exec sleep 1000' >/dev/null 2>"$E/plain.err" & pids+=($!)
docker run -d "${R[@]}" --name deaf "$IMAGE" \
  sh -c 'trap "" TERM; echo deaf; while :; do sleep 0.2; done' >/dev/null 2>"$E/deaf.err" & pids+=($!)
for job in "${pids[@]}"; do
  wait "$job" || fail "docker run -d: $(cat "$E"/{trapped,plain,deaf}.err)"
done
logs_have() { docker logs "$1" 2>&1 | grep -q "$2"; }
wait_until 300 logs_have trapped err1 || fail "no logs from trapped"
wait_until 300 logs_have deaf deaf || fail "no logs from deaf"
wait_until 300 logs_have plain plain || fail "no logs from plain"
if vxn_has_verb exec; then
  out=$(docker exec plain sh -c 'echo exec-ok; echo exec-err >&2; exit 5' 2>"$E/exec.err")
  rc=$?
  expect_eq "docker exec output" "$out" exec-ok
  expect_eq "docker exec stderr" "$(cat "$E/exec.err")" exec-err
  expect_eq "docker exec exit status" "$rc" 5
else
  skip_part "docker exec: vxn has no exec verb yet"
fi
expect_eq "docker logs stdout" "$(docker logs trapped 2>/dev/null)" out1
expect_eq "docker logs stderr" "$(docker logs trapped 2>&1 >/dev/null)" err1
# the entrypoint is PID 1 of its PID namespace; an exec shares it. Docker's
# default capabilities, applied as runc applies them (runc gives these for
# Docker's default set), to PID 1 and to an exec. One exec for all (each
# takes seconds through dockerd, containerd and the shim).
docker exec plain sh -c 'ps; echo ---; grep -E "^Cap(Eff|Bnd)" /proc/1/status; echo ---
  grep -E "^Cap(Eff|Bnd)" /proc/self/status; echo ---
  test "$(readlink /proc/self/ns/pid)" = "$(readlink /proc/1/ns/pid)" && echo same' \
  >"$E/ps.out" 2>&1 || fail "docker exec ps: $(cat "$E/ps.out")"
part() { awk -v n="$1" '/^---$/ { k++; next } k == n' "$E/ps.out"; }
part 0 | grep -Eq '^ *1 +root +([0-9:]+ +)?sleep 1000$' ||
  fail "docker exec ps: PID 1 is not sleep 1000: $(cat "$E/ps.out")"
caps=$(printf 'CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb')
expect_eq "docker: PID 1's capabilities" "$(part 1)" "$caps"
expect_eq "docker exec's capabilities" "$(part 2)" "$caps"
expect_eq "docker exec in the namespace of PID 1" "$(part 3)" same
docker stop trapped >"$E/stop.out" 2>&1 &
stopper=$!
docker stop -t 1 plain >"$E/stop-plain.out" 2>&1 &
stopper_plain=$!
t0=$(now_us)
docker stop -t 2 deaf >/dev/null || fail "docker stop -t 2 deaf"
took=$(seconds_since "$t0")
wait $stopper || fail "docker stop trapped: $(cat "$E/stop.out")"
wait $stopper_plain || fail "docker stop -t 1 plain: $(cat "$E/stop-plain.out")"
say "docker stop -t 2 of a container ignoring TERM: $took s"
[ "${took%%.*}" -ge 2 ] || fail "docker stop -t 2 returned after $took s"
expect_eq "docker wait, trapped TERM" "$(docker wait trapped)" 7
expect_eq "docker wait, sleep as PID 1 ignores TERM past -t 1" "$(docker wait plain)" 137
expect_eq "docker wait, TERM ignored past -t 2" "$(docker wait deaf)" 137
docker rm trapped plain deaf >/dev/null || fail "docker rm"

# ---- 2b. docker run --init: docker-init is PID 1 and passes TERM on to the
# sleep it started, which is not the namespace's init and so dies of it
docker run -d --init "${R[@]}" --name inited "$IMAGE" sh -c 'echo inited; exec sleep 1000' \
  >/dev/null 2>"$E/init.err" || fail "docker run --init: $(cat "$E/init.err")"
wait_until 300 logs_have inited inited || fail "no logs from inited: $(cat "$E/init.err")"
docker exec inited ps >"$E/init-ps.out" 2>&1 || fail "docker exec ps (--init): $(cat "$E/init-ps.out")"
grep -Eq '^ *1 +root +([0-9:]+ +)?/sbin/docker-init -- ' "$E/init-ps.out" ||
  fail "--init: PID 1 is not docker-init: $(cat "$E/init-ps.out")"
docker stop -t 20 inited >/dev/null || fail "docker stop inited"
expect_eq "docker wait, --init and TERM" "$(docker wait inited)" 143
docker rm inited >/dev/null || fail "docker rm inited"

say "section 3 at $(seconds_since "$T0") s"
# ---- 3. a terminal: docker run -it (script gives docker a tty)
# The shim collects a terminal create's output through a pipe and waits for
# its EOF: the monitor must let go of it (control/pty.c pty_release_stdio).
out=$(script -qec "/usr/bin/docker run --rm -it ${R[*]} $IMAGE sh -c 'test -t 0 && test -t 1 && echo tty-ok; exit 4'" /dev/null </dev/null)
rc=$?
case $out in *tty-ok*) ;; *) fail "docker run -it: no tty in the container: $out" ;; esac
expect_eq "docker run -it exit status" "$rc" 4

# ---- 4. the warm pool under Docker: test-engine-docker-net (a read-only
# container on the default bridge takes the pool guest, gets the engine's
# files and its NIC at claim)

# ---- 5. volumes: -v HOSTDIR, -v FILE:ro, a named volume kept between
# containers (the first with --init: docker-init is copied in, not shared);
# the engine's /etc/hosts rewritten in place while it runs
say "section 5 at $(seconds_since "$T0") s"
volume_host_dirs
t0=$(now_us)
out=$(docker run --rm --init "${R[@]}" -v "$E/vol:/data" -v "$E/vol-file:/f:ro" -v vxn-named:/named \
  "$IMAGE" sh -c "$VOLUME_SCRIPT; echo kept > /named/n" 2>"$E/vol.err")
say "docker run with volumes: $(seconds_since "$t0") s"
volume_check "docker run -v" "$out"
# the named volume's file, read by a second container: the live one below
docker run -d "${R[@]}" --name live -v "$E/vol:/data" -v vxn-named:/named "$IMAGE" \
  sh -c 'cat /named/n > /data/named-seen; echo up > /data/up; while :; do sleep 0.2; done' \
  >/dev/null 2>"$E/live.err" || fail "docker run -d with a volume: $(cat "$E/live.err")"
wait_nonempty "$E/vol/up" 300 || fail "the live container never wrote its volume"
expect_eq "named volume in a second container" "$(cat "$E/vol/named-seen")" kept
hosts=$(docker inspect --format '{{.HostsPath}}' live)
echo "192.0.2.7 vxn-rewritten" >> "$hosts"   # in place, as Docker updates it
out=$(docker exec live grep -c vxn-rewritten /etc/hosts 2>&1)
expect_eq "the engine's /etc/hosts rewritten while the container runs" "$out" 1
docker rm -f live >/dev/null || fail "docker rm -f live"
docker volume rm vxn-named >/dev/null || fail "docker volume rm"

# ---- 5b. the container's writes land in its layer, as under runc (rootfs =
# share): docker diff, cp, commit, start of a stopped container, and a
# classic docker build with vxn as the default runtime
say "section 5b at $(seconds_since "$T0") s"
wscript='echo run >> /runs; wc -l < /runs; rm -f /etc/group; mkdir -p /d; echo x > /d/f'
out=$(docker run "${R[@]}" --name vxn-w "$IMAGE" sh -c "$wscript" 2>"$E/vxn-w.err") ||
  fail "docker run vxn-w: $(cat "$E/vxn-w.err")"
expect_eq "first run of vxn-w" "$(echo $out)" 1
diff=$(docker diff vxn-w | sort | tr '\n' ' ')
for change in "A /runs" "D /etc/group" "A /d" "A /d/f"; do
  case " $diff" in *" $change "*) ;; *) fail "docker diff vxn-w: no '$change' in '$diff'" ;; esac
done
expect_eq "docker cp out of a stopped container" "$(docker cp vxn-w:/d/f - | tar -xO)" x
docker commit vxn-w vxn-committed >/dev/null || fail "docker commit vxn-w"
expect_eq "docker start -a of the stopped container: its files are still there" \
  "$(docker start -a vxn-w 2>&1)" 2
docker rm vxn-w >/dev/null || fail "docker rm vxn-w"
# the build starts FROM the committed image: one run of what it built
# shows the commit's files and the build's (a container boot saved)
mkdir -p "$E/ctx"
printf 'FROM vxn-committed\nRUN echo built > /built && rm /etc/passwd\nRUN cat /built > /built-twice\n' \
  > "$E/ctx/Dockerfile"
t0=$(now_us)
DOCKER_BUILDKIT=0 docker build -q --network=none -t vxn-built "$E/ctx" >"$E/build.out" 2>&1 ||
  fail "classic docker build (vxn the default runtime): $(tail -n 20 "$E/build.out")"
say "classic docker build of two RUN steps: $(seconds_since "$t0") s"
expect_eq "docker commit, then a build on it, then run" \
  "$(docker run --rm "${R[@]}" vxn-built sh -c 'cat /runs /d/f; ls /etc/group 2>&1 | grep -c "No such"
     cat /built-twice; [ -e /etc/passwd ] || echo gone')" \
  "$(printf 'run\nx\n1\nbuilt\ngone')"
docker rmi vxn-built vxn-committed >/dev/null || fail "docker rmi vxn-built vxn-committed"

# ---- 6. nothing left
[ -z "$(docker ps -aq)" ] || fail "containers left: $(docker ps -a)"
engine_stop
engine_final_checks "after docker" "$MOBY_ROOT"
echo "ok"
