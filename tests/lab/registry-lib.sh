# A private registry in dom0, for vdkr's pulls (sourced after lib.sh, by
# test-vdkr.sh and tests/bench/vdkr-lab): Debian's docker-registry (the
# distribution registry 2.8) on the loopback, its data in a directory of the
# caller's, and images pushed to it with skopeo from a docker-archive.
# shellcheck shell=bash

# registry_start DIR PORT: serves DIR/data on 127.0.0.1:PORT (dom0 boots
# with lo down); sets REG (host:port) and REG_PID. Fails the caller unless
# it answers within 60 s.
registry_start() {
  local dir=$1
  REG=127.0.0.1:$2
  ip link set lo up || fail "ip link set lo up"
  mkdir -p "$dir"
  cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $REG
EOF
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  REG_PID=$!
  wait_until 60 curl -fsS "http://$REG/v2/" ||
    { cat "$dir/log"; fail "docker-registry did not answer on $REG"; }
}

# registry_push ARCHIVE NAME:TAG...: the docker-archive's image under each
# name in the registry.
registry_push() {
  local archive=$1 name
  shift
  for name in "$@"; do
    skopeo copy -q --dest-tls-verify=false "docker-archive:$archive" "docker://$REG/$name" ||
      fail "skopeo push of $name to $REG"
  done
}

registry_stop() {
  [ -n "${REG_PID:-}" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null
  REG_PID=
}
