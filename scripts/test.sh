#!/bin/bash
# Runs Airlock's whole test suite against real services: installs what is missing (apt:
# postgresql, redis-server, chromium, clamav-daemon), starts PostgreSQL and Redis on loopback in a temp dir,
# runs vitest, and stops every server it started — on success, failure or Ctrl-C.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

log() { printf '\033[1mtest:\033[0m %s\n' "$*" >&2; }

apt_missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || apt_missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
# clamd scans chat attachments; each attachment test starts its own on a temp unix socket with a
# signature database it writes (test/helpers/clamd.ts), so no signatures are downloaded.
[ -x /usr/sbin/clamd ] || apt_missing+=(clamav-daemon)
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing with apt: ${apt_missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  # The package's own cluster is not used; tests start a private one.
  if [[ " ${apt_missing[*]} " == *" postgresql "* ]]; then $SUDO service postgresql stop >/dev/null 2>&1 || true; fi
  if [[ " ${apt_missing[*]} " == *" redis-server "* ]]; then $SUDO service redis-server stop >/dev/null 2>&1 || true; fi
  if [[ " ${apt_missing[*]} " == *" clamav-daemon "* ]]; then $SUDO service clamav-daemon stop >/dev/null 2>&1 || true; $SUDO service clamav-freshclam stop >/dev/null 2>&1 || true; fi
fi

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
TMP=$(mktemp -d /tmp/airlock-test.XXXXXX)
chmod 755 "$TMP"
PG_PID=""

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$TMP/pg/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  for pidfile in "$TMP"/redis-*.pid; do
    [ -f "$pidfile" ] || continue
    local redis_pid
    redis_pid=$(cat "$pidfile")
    kill "$redis_pid" 2>/dev/null || true
    # Redis writes its log and removes its pidfile while exiting: wait, or rm races with it.
    for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
  done
  # Cleanup never turns a test result into a failure; a leftover temp dir is only reported.
  rm -rf "$TMP" 2>/dev/null || { sleep 1; rm -rf "$TMP" 2>/dev/null; } || log "could not remove $TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PG_PORT=$(free_port)
mkdir -p "$TMP/pg"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$TMP/pg"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$TMP/pg/data" -U postgres -A trust --no-sync >/dev/null
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg/data" -l "$TMP/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $TMP/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
log "PostgreSQL on 127.0.0.1:$PG_PORT"

# One Redis per test worker (vitest.config.ts runs two files at a time): pub/sub channels are
# global to a Redis server, so two files watching the same site would hear each other's agents.
# test/helpers/services.ts hands each worker its own (VITEST_POOL_ID).
for worker in 1 2; do
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$TMP/redis-$worker.pid" --dir "$TMP" --logfile "$TMP/redis-$worker.log" >/dev/null
  for _ in $(seq 50); do [ -f "$TMP/redis-$worker.pid" ] && break; sleep 0.1; done
  export "AIRLOCK_TEST_REDIS_URL_$worker=redis://127.0.0.1:$port"
  log "Redis for test worker $worker on 127.0.0.1:$port"
done

export AIRLOCK_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export AIRLOCK_TEST_REDIS_URL="$AIRLOCK_TEST_REDIS_URL_1"
export AIRLOCK_TEST_CHROMIUM="$(command -v chromium)"
export AIRLOCK_TEST_REQUIRE_SERVICES=1
export AIRLOCK_TEST_TMP="$TMP"

if [ $# -gt 0 ]; then
  npx vitest run "$@"
  exit 0
fi

# The whole suite starts with the dependency rules (.dependency-cruiser.cjs): an import cycle or
# an import of the composition root from a capability fails the run before any test starts.
log "dependency rules: scripts/check-deps.sh"
scripts/check-deps.sh

# Then the linter (eslint.config.js: typescript-eslint's type-aware rules): one finding, even a
# warning, fails the run before any test starts.
log "lint: eslint --max-warnings 0"
npx eslint --max-warnings 0 .

# The whole suite: also write the runner's JSON report, then check that every evidence pointer of
# the compliance pack names exactly one test of this run that passed (test/compliance/evidence).
mkdir -p test-results
REPORT="$ROOT/test-results/vitest-report.json"
rm -f "$REPORT"
npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORT"
log "evidence gate: resolving compliance evidence against $(basename "$REPORT")"
AIRLOCK_TEST_REPORT="$REPORT" npx vitest run --config test/compliance/evidence-gate.config.ts
