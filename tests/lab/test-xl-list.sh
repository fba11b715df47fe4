#!/usr/bin/env bash
# The lab's dom0 is a working Xen control domain: `xl list` shows Domain-0.
set -u

if ! grep -qs control_d /proc/xen/capabilities; then
  echo "SKIP: not in a Xen dom0 (run through tests/xenlab/xenlab run)"
  exit 77
fi
echo "lab boot time: $(cat "${XENLAB_OUT:-/nonexistent}/boot-seconds" 2>/dev/null || echo unknown) s"

list=$(xl list 2>&1)
rc=$?
echo "$list"
[ "$rc" -eq 0 ] || { echo "FAIL: xl list exited $rc"; exit 1; }
if ! echo "$list" | grep -Eq '^Domain-0[[:space:]]+0[[:space:]]'; then
  echo "FAIL: no Domain-0 with id 0 in xl list"
  exit 1
fi
echo "ok: Domain-0 listed"
