#!/bin/bash
# `make image`: builds the repository's Containerfile with podman. Unless BUILD_IMAGE and
# RUNTIME_IMAGE are given, the base images are local stand-ins assembled offline
# (scripts/image/standin-bases.sh), so no container registry is needed.
# Then writes the image SBOM (scripts/image-sbom.ts), read from the image just built.
# Env: IMAGE (tag, default localhost/airlock:VERSION), BUILD_IMAGE, RUNTIME_IMAGE,
# SBOM (default dist/image/sbom.cdx.json).
# Prints the image reference on stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(scripts/image/podman-setup.sh)}

version=$(node -p 'require("./package.json").version')
IMAGE=${IMAGE:-localhost/airlock:$version}
if [ -z "${BUILD_IMAGE:-}" ] || [ -z "${RUNTIME_IMAGE:-}" ]; then
  eval "$(scripts/image/standin-bases.sh)"
fi
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
source_url=$(git remote get-url origin 2>/dev/null || echo unknown)

echo "image: building $IMAGE (build base $BUILD_IMAGE, runtime base $RUNTIME_IMAGE)" >&2
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
# Host networking: the build stage's `npm ci` reaches the npm registry the way this machine does.
if ! podman build --network=host --pull=never --format=oci -f Containerfile \
  --build-arg "BUILD_IMAGE=$BUILD_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE" \
  --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "SOURCE=$source_url" \
  -t "$IMAGE" . >"$build_log" 2>&1; then
  tail -n 40 "$build_log" >&2
  echo "image: build failed" >&2
  exit 1
fi
# Earlier builds of this image that lost their tag to this one (build-stage layers stay as cache).
podman image prune -f --filter label=org.opencontainers.image.title=Airlock >/dev/null
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "image: built $IMAGE, $(numfmt --to=iec --suffix=B "$size") ($size bytes)" >&2
SBOM=${SBOM:-dist/image/sbom.cdx.json}
mkdir -p "$(dirname "$SBOM")"
node scripts/image-sbom.ts "$IMAGE" --out "$SBOM" >&2
echo "$IMAGE"
