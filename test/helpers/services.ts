// Access to the real services `make test` starts (PostgreSQL, Redis, Chromium). When a test
// runs outside `make test` they may be missing: suites that need them are skipped with a
// notice — unless AIRLOCK_TEST_REQUIRE_SERVICES is set (as `make test` and CI do), in which
// case a missing service is a failure, never a silent skip.
export const requireServices = process.env.AIRLOCK_TEST_REQUIRE_SERVICES === "1";

export function serviceUrl(name: "AIRLOCK_TEST_PG_URL" | "AIRLOCK_TEST_REDIS_URL" | "AIRLOCK_TEST_CHROMIUM"): string | undefined {
  const value = process.env[name];
  if (!value && requireServices) throw new Error(`${name} is not set: run the suite with "make test"`);
  return value || undefined;
}
