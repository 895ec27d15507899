#!/bin/bash
# Checks the import graph of src/ against Airlock's dependency rules (.dependency-cruiser.cjs):
# no import cycle, nothing but the CLI imports the composition root (src/server), the wire
# protocol is a leaf, the browser bundles import no server code, benchmarks only from the CLI.
# Exits non-zero on any violation. With a directory argument, checks that tree's src/ instead
# (the rules' own test uses it to show they can fail).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TREE=$(cd "${1:-$ROOT}" && pwd)
cd "$TREE"
exec "$ROOT/node_modules/.bin/depcruise" src --config "$ROOT/.dependency-cruiser.cjs" --output-type err
