#!/bin/bash
# Makes podman usable on a Debian build machine and prints the containers.conf path to export
# as CONTAINERS_CONF. Installs podman and its helpers with apt when missing. The config selects
# runc (crun cannot manage cgroups on hybrid cgroup hosts) and keeps container ulimits within
# the host's hard limits, without which podman refuses to start containers.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONF_DIR="$ROOT/.tools/podman"
CONF="$CONF_DIR/containers.conf"

if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  echo "image: installing podman with apt" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    podman buildah runc fuse-overlayfs slirp4netns uidmap containernetworking-plugins catatonit iptables >/dev/null
fi

nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
[ "$nofile" = unlimited ] && nofile=1048576
[ "$nproc" = unlimited ] && nproc=65536
[ "$nofile" -gt 20000 ] && nofile=20000
[ "$nproc" -gt 4096 ] && nproc=4096

mkdir -p "$CONF_DIR"
want=$(printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n\n[engine]\nruntime = "runc"\n' \
  "$nofile" "$nofile" "$nproc" "$nproc")
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$want" ]; then printf '%s\n' "$want" >"$CONF"; fi
echo "$CONF"
