// Validation of the PostgreSQL and Redis connection settings: every contradictory or weakening
// input is refused at start with the field it concerns, in every mode.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { maskedConfig } from "./mask.js";
import { loadConfig } from "./load.js";
import { postgresTransport } from "../storage/postgres-tls.js";
import { configIssues } from "../../test/helpers/config-env.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-conncfg-"));
const pem = path.join(dir, "ca.pem");
writeFileSync(pem, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
const passwordFile = path.join(dir, "redis-password");
writeFileSync(passwordFile, "hunter2\n");
const PG = "postgres://airlock:pw@db.bank.example:5432/airlock";
const issues = (env: Record<string, string>) => configIssues({ AIRLOCK_DATA_DIR: dir, ...env }).map((i) => `${i.field}: ${i.message}`);

describe("PostgreSQL and Redis connection settings", () => {
  it.each([
    ["sslmode=prefer (silent fallback to clear text)", { AIRLOCK_DATABASE_URL: `${PG}?sslmode=prefer` }, /^databaseUrl: sslmode=prefer falls back to clear text/],
    ["sslmode=allow", { AIRLOCK_DATABASE_URL: `${PG}?sslmode=allow` }, /^databaseUrl: sslmode=allow falls back/],
    ["an unknown sslmode", { AIRLOCK_DATABASE_URL: `${PG}?sslmode=no-verify` }, /^databaseUrl: unknown sslmode "no-verify"/],
    ["a TLS file named in the URL", { AIRLOCK_DATABASE_URL: `${PG}?sslrootcert=/tmp/x.pem` }, /^databaseUrl: URL parameter sslrootcert is not supported: set databaseTlsCaFile/],
    ["ssl=no-verify in the key vault URL", { AIRLOCK_DATABASE_URL: PG, AIRLOCK_KEY_VAULT_URL: `${PG}_keys?ssl=no-verify` }, /^keyVaultUrl: URL parameter ssl is not supported/],
    ["sslmode=disable with a CA file", { AIRLOCK_DATABASE_URL: `${PG}?sslmode=disable`, AIRLOCK_DATABASE_TLS_CA_FILE: pem }, /^databaseUrl: sslmode=disable contradicts/],
    ["a missing CA file", { AIRLOCK_DATABASE_TLS_CA_FILE: path.join(dir, "nope.pem") }, /^databaseTlsCaFile: file not found/],
    ["a client certificate without its key", { AIRLOCK_DATABASE_TLS_CERT_FILE: pem }, /^databaseTlsKeyFile: databaseTlsCertFile and databaseTlsKeyFile go together/],
    ["a Redis CA file with redis://", { AIRLOCK_REDIS_URL: "redis://cache:6379", AIRLOCK_REDIS_TLS_CA_FILE: pem }, /^redisTlsCaFile: needs a rediss:\/\/ redisUrl/],
    ["a Redis password in the URL and in a file", { AIRLOCK_REDIS_URL: "rediss://u:pw@cache:6379", AIRLOCK_REDIS_PASSWORD_FILE: passwordFile }, /^redisPasswordFile: set the Redis password either in redisUrl or in redisPasswordFile/],
    ["a Redis user in the URL and in the setting", { AIRLOCK_REDIS_URL: "rediss://u@cache:6379", AIRLOCK_REDIS_USERNAME: "v" }, /^redisUsername: set the Redis user either/],
    ["query parameters in the Redis URL (ioredis would read them as options)", { AIRLOCK_REDIS_URL: "rediss://cache:6379?tls=false" }, /^redisUrl: query parameters are not supported/],
    ["another scheme for Redis", { AIRLOCK_REDIS_URL: "http://cache:6379" }, /^redisUrl: must start with redis:\/\/ or rediss:\/\//],
    ["Redis credentials without a Redis URL", { AIRLOCK_REDIS_PASSWORD_FILE: passwordFile }, /^redisPasswordFile: has no effect without redisUrl/],
    ["a Redis user name with a colon", { AIRLOCK_REDIS_URL: "rediss://cache", AIRLOCK_REDIS_USERNAME: "a:b" }, /^redisUsername: no spaces, @, : or \//],
  ])("refuses %s", (_what, env, message) => {
    expect(issues(env)).toEqual([expect.stringMatching(message)]);
  });

  it("accepts libpq's modes and rediss:// with its files, and prints no password", () => {
    for (const mode of ["disable", "require", "verify-ca", "verify-full"]) expect(issues({ AIRLOCK_DATABASE_URL: `${PG}?sslmode=${mode}` }), mode).toEqual([]);
    const env = { AIRLOCK_DATA_DIR: dir, AIRLOCK_REDIS_URL: "rediss://cache.bank.example:6380/2", AIRLOCK_REDIS_TLS_CA_FILE: pem, AIRLOCK_REDIS_USERNAME: "airlock", AIRLOCK_REDIS_PASSWORD_FILE: passwordFile };
    expect(issues(env)).toEqual([]);
    expect(JSON.stringify(maskedConfig(loadConfig(env).config))).not.toContain("hunter2");
  });

  it("derives the mode: the URL's sslmode, else verify-full with a TLS file, else clear text; and hands pg a URL without sslmode", () => {
    expect(postgresTransport(PG, {})).toMatchObject({ ok: true, mode: "disable", connectionString: PG });
    expect(postgresTransport(PG, { databaseTlsCaFile: pem })).toMatchObject({ ok: true, mode: "verify-full" });
    expect(postgresTransport(`${PG}?sslmode=require&application_name=x`, { databaseTlsCaFile: pem })).toMatchObject({ ok: true, mode: "require", connectionString: `${PG}?application_name=x`, host: "db.bank.example" });
  });
});
