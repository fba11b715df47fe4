#!/usr/bin/env bash
# Podman driving vxn through the drop-in configs/engines/podman-50-vxn.conf
# (`podman --runtime vxn`): output, exit codes, -d + podman exec + podman logs
# (stdout and stderr apart) + podman stop (trapped TERM -> its code; a plain
# sleep, PID 1 of its namespace as under runc, ignores TERM: -t 1 -> 137; TERM
# ignored past -t 2 -> 137) + podman wait, ps inside; volumes; the
# container's writes in its layer (diff, commit, start again). Storage, run and tmp
# dirs private (tmpfs); afterwards nothing is left.
set -u
export LC_ALL=C
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/lib.sh"
. "$here/engine-lib.sh"
engine_init podman /usr/bin/podman /usr/bin/conmon
engine_image
E=$ENGINE_DIR
# The drop-in is the whole containers.conf here (/etc stays as it is).
engine_config 50-vxn.conf > "$E/containers.conf"
export CONTAINERS_CONF=$E/containers.conf
podman() {
  /usr/bin/podman --root "$E/storage" --runroot "$E/runroot" --tmpdir "$E/tmp" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
}
podman load -i "$ENGINE_IMAGE" >/dev/null || fail "podman load"
R=(--runtime vxn --network=none)

# ---- 1. hello, exit code (one container: each boots a guest)
t0=$(now_us)
out=$(podman run --rm "${R[@]}" "$IMAGE" sh -c 'echo hello; exit 3' 2>"$E/hello.err")
rc=$?
say "podman run --rm sh -c 'echo hello; exit 3': $(seconds_since "$t0") s"
expect_eq "podman run output" "$out" hello
expect_eq "exit status through podman run" "$rc" 3

# ---- 2. detached (started together): logs, exec, stop, wait
pids=()
podman run -d "${R[@]}" --name trapped "$IMAGE" \
  sh -c 'trap "exit 7" TERM; echo out1; echo err1 >&2; while :; do sleep 0.2; done' \
  >/dev/null 2>"$E/trapped.err" & pids+=($!)
podman run -d "${R[@]}" --name plain "$IMAGE" sh -c 'echo plain; exec sleep 1000' \
  >/dev/null 2>"$E/plain.err" & pids+=($!)
podman run -d "${R[@]}" --name deaf "$IMAGE" \
  sh -c 'trap "" TERM; echo deaf; while :; do sleep 0.2; done' >/dev/null 2>"$E/deaf.err" & pids+=($!)
for job in "${pids[@]}"; do
  wait "$job" || fail "podman run -d: $(cat "$E"/{trapped,plain,deaf}.err)"
done
logs_have() { podman logs "$1" 2>&1 | grep -q "$2"; }
wait_until 300 logs_have trapped err1 || fail "no logs from trapped"
wait_until 300 logs_have deaf deaf || fail "no logs from deaf"
wait_until 300 logs_have plain plain || fail "no logs from plain"
if vxn_has_verb exec; then
  out=$(podman exec plain sh -c 'echo exec-ok; echo exec-err >&2; exit 5' 2>"$E/exec.err")
  rc=$?
  expect_eq "podman exec output" "$out" exec-ok
  expect_eq "podman exec stderr" "$(cat "$E/exec.err")" exec-err
  expect_eq "podman exec exit status" "$rc" 5
else
  skip_part "podman exec: vxn has no exec verb yet"
fi
expect_eq "podman logs stdout" "$(podman logs trapped 2>/dev/null)" out1
expect_eq "podman logs stderr" "$(podman logs trapped 2>&1 >/dev/null)" err1
podman exec plain ps >"$E/ps.out" 2>&1 || fail "podman exec ps: $(cat "$E/ps.out")"
grep -Eq '^ *1 +root +([0-9:]+ +)?sleep 1000$' "$E/ps.out" ||
  fail "podman exec ps: PID 1 is not sleep 1000: $(cat "$E/ps.out")"
# Podman's default capabilities, not the guest's full set: effective = bounding
eff=$(podman exec plain sed -n 's/^CapEff:[[:space:]]*//p' /proc/1/status)
bnd=$(podman exec plain sed -n 's/^CapBnd:[[:space:]]*//p' /proc/1/status)
say "podman: PID 1's CapEff $eff, CapBnd $bnd"
expect_eq "podman: PID 1's effective capabilities are its bounding set" "$eff" "$bnd"
case $eff in 0000000000000000|000001ffffffffff|"") fail "podman: PID 1's capabilities: $eff" ;; esac
podman stop trapped >"$E/stop.out" 2>&1 &
stopper=$!
podman stop -t 1 plain >"$E/stop-plain.out" 2>&1 &
stopper_plain=$!
t0=$(now_us)
# podman waits 5 s for the pid after KILL: the monitor exits at once (a
# child destroys the domain), so no "did not die within timeout" warning
podman stop -t 2 deaf >/dev/null 2>"$E/deaf-stop.err" ||
  fail "podman stop -t 2 deaf: $(cat "$E/deaf-stop.err")"
! grep -q "did not die" "$E/deaf-stop.err" || fail "podman stop -t 2 deaf: $(cat "$E/deaf-stop.err")"
took=$(seconds_since "$t0")
wait $stopper || fail "podman stop trapped: $(cat "$E/stop.out")"
wait $stopper_plain || fail "podman stop -t 1 plain: $(cat "$E/stop-plain.out")"
! grep -q "did not die" "$E/stop-plain.out" || fail "podman stop -t 1 plain: $(cat "$E/stop-plain.out")"
say "podman stop -t 2 of a container ignoring TERM: $took s"
[ "${took%%.*}" -ge 2 ] || fail "podman stop -t 2 returned after $took s"
expect_eq "podman wait, trapped TERM" "$(podman wait trapped)" 7
expect_eq "podman wait, sleep as PID 1 ignores TERM past -t 1" "$(podman wait plain)" 137
expect_eq "podman wait, TERM ignored past -t 2" "$(podman wait deaf)" 137
podman rm trapped plain deaf >/dev/null || fail "podman rm"

# ---- 3. volumes: -v HOSTDIR, -v FILE:ro
volume_host_dirs
out=$(podman run --rm "${R[@]}" -v "$E/vol:/data" -v "$E/vol-file:/f:ro" "$IMAGE" \
  sh -c "$VOLUME_SCRIPT" 2>"$E/vol.err")
volume_check "podman run -v" "$out"

# ---- 3b. the container's writes land in its layer (rootfs = share):
# podman diff, podman commit then a run of the new image, podman start of the
# stopped container seeing its own earlier writes
out=$(podman run "${R[@]}" --name vxn-w "$IMAGE" sh -c 'echo run >> /runs; wc -l < /runs; rm -f /etc/group' \
  2>"$E/vxn-w.err") || fail "podman run vxn-w: $(cat "$E/vxn-w.err")"
expect_eq "first run of vxn-w" "$(echo $out)" 1
diff=$(podman diff vxn-w | sort | tr '\n' ' ')
for change in "A /runs" "D /etc/group"; do
  case " $diff" in *" $change "*) ;; *) fail "podman diff vxn-w: no '$change' in '$diff'" ;; esac
done
podman commit -q vxn-w localhost/vxn-committed >/dev/null 2>"$E/commit.err" ||
  fail "podman commit vxn-w: $(cat "$E/commit.err")"
expect_eq "podman commit, then run" \
  "$(podman run --rm "${R[@]}" localhost/vxn-committed sh -c 'cat /runs; [ -e /etc/group ] || echo gone')" \
  "$(printf 'run\ngone')"
expect_eq "podman start -a of the stopped container" "$(podman start -a vxn-w 2>&1)" 2
podman rm vxn-w >/dev/null || fail "podman rm vxn-w"
podman rmi localhost/vxn-committed >/dev/null || fail "podman rmi vxn-committed"

# ---- 4. nothing left
[ -z "$(podman ps -aq)" ] || fail "containers left: $(podman ps -a)"
engine_final_checks "after podman"
echo "ok"
