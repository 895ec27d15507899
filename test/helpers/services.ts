// Access to the real services `make test` starts (PostgreSQL, Redis, Chromium). When a test
// runs outside `make test` they may be missing: suites that need them are skipped with a
// notice — unless AIRLOCK_TEST_REQUIRE_SERVICES is set (as `make test` and CI do), in which
// case a missing service is a failure, never a silent skip.
export const requireServices = process.env.AIRLOCK_TEST_REQUIRE_SERVICES === "1";

export function serviceUrl(name: "AIRLOCK_TEST_PG_URL" | "AIRLOCK_TEST_REDIS_URL" | "AIRLOCK_TEST_CHROMIUM"): string | undefined {
  // scripts/test.sh starts one Redis per test worker: pub/sub channels are global to a server, and
  // files running side by side must not hear each other's sites and agents.
  const perWorker = name === "AIRLOCK_TEST_REDIS_URL" ? process.env[`AIRLOCK_TEST_REDIS_URL_${process.env.VITEST_POOL_ID ?? ""}`] : undefined;
  const value = perWorker ?? process.env[name];
  if (!value && requireServices) throw new Error(`${name} is not set: run the suite with "make test"`);
  return value || undefined;
}
