#!/bin/sh
# meson install script: installs configs/vxn.conf as SYSCONFDIR/vxn/vxn.conf
# unless a file is already there (an admin's edits survive reinstalls).
# Usage (from meson): install-conf.sh SOURCE ABSOLUTE_SYSCONFDIR
set -eu
src=$1
dest="${DESTDIR:-}$2/vxn/vxn.conf"
if [ -e "$dest" ]; then
  echo "vxn: keeping existing $dest" >&2
  exit 0
fi
install -D -m 0644 "$src" "$dest"
