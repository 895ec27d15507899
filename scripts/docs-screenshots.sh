#!/usr/bin/env bash
# Remakes the screenshots in docs/images (the agent workspace in docs/console.md) from the running
# product: builds the bundles, then runs the screenshot test with the databases scripts/test.sh starts.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json
node scripts/build-visitor.mjs
node scripts/build-console.mjs
AIRLOCK_DOCS_SCREENSHOTS=1 scripts/test.sh test/e2e/docs-workspace-screenshot.test.ts
