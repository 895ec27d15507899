// TLS and credentials on Airlock's connections to PostgreSQL (main database and key vault) and
// Redis, against real servers on loopback that speak TLS only, with a throwaway CA made by
// openssl. Also: production refuses connections without verified TLS unless a named opt-out is set.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBus } from "../../src/bus/redis-bus.js";
import { ConfigError } from "../../src/config/errors.js";
import { loadConfig } from "../../src/config/load.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { openStorage } from "../../src/storage/db.js";
import { startServer } from "../../src/server/server.js";
import { runCli } from "../helpers/cli.js";
import { serviceUrl } from "../helpers/services.js";
import { makePki, type Pki } from "./pki.js";
import { captureLog } from "../helpers/log-sink.js";
import { migrateAndStart, productionServerEnv } from "./harness.js";
import { startTlsPostgres, startTlsRedis, type TlsPostgres, type TlsRedis } from "./tls-servers.js";

const PG_PASSWORD = `pg-${randomBytes(12).toString("hex")}`;
const REDIS_PASSWORD = `rd-${randomBytes(12).toString("hex")}`;

let dir: string;
let pki: Pki;
let postgres: TlsPostgres;
let redis: TlsRedis;
let redisPasswordFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "airlock-tls-"));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user below it
  pki = makePki(path.join(dir, "pki"));
  postgres = await startTlsPostgres(path.join(dir, "pg"), { cert: pki.serverCert, key: pki.serverKey, caCert: pki.caCert }, { name: "airlock", password: PG_PASSWORD });
  redis = await startTlsRedis(path.join(dir, "redis"), { cert: pki.serverCert, key: pki.serverKey, caCert: pki.caCert }, { name: "airlock-bus", password: REDIS_PASSWORD });
  redisPasswordFile = path.join(dir, "redis-password");
  writeFileSync(redisPasswordFile, `${REDIS_PASSWORD}\n`, { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Settings for verified TLS with client certificates to both servers, the Redis password from a file. */
function tlsEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AIRLOCK_DATABASE_URL: postgres.url("airlock"),
    AIRLOCK_KEY_VAULT_URL: postgres.url("airlock_keys"),
    AIRLOCK_DATABASE_TLS_CA_FILE: pki.caCert,
    AIRLOCK_DATABASE_TLS_CERT_FILE: pki.clientCert,
    AIRLOCK_DATABASE_TLS_KEY_FILE: pki.clientKey,
    AIRLOCK_REDIS_URL: `rediss://127.0.0.1:${redis.port}`,
    AIRLOCK_REDIS_TLS_CA_FILE: pki.caCert,
    AIRLOCK_REDIS_TLS_CERT_FILE: pki.clientCert,
    AIRLOCK_REDIS_TLS_KEY_FILE: pki.clientKey,
    AIRLOCK_REDIS_USERNAME: "airlock-bus",
    AIRLOCK_REDIS_PASSWORD_FILE: redisPasswordFile,
    ...overrides,
  };
}

/** Secrets that must never appear in a log line or an error message. */
const secrets = () => [PG_PASSWORD, REDIS_PASSWORD, readFileSync(pki.clientKey, "utf8").split("\n")[1] ?? "-----"];

function expectNoSecret(text: string): void {
  for (const secret of secrets()) expect(text).not.toContain(secret);
}

function configIssues(env: Record<string, string>): { field: string; source: string; message: string }[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
}

async function roundTrip(bus: RedisBus, channel: string): Promise<string> {
  const got = new Promise<string>((resolve) => {
    void bus.subscribe(channel, (m) => resolve(m)).then(() => bus.publish(channel, "over TLS"));
  });
  return got;
}

describe("TLS to PostgreSQL and Redis", () => {
  it("production Airlock connects to the database, the key vault and Redis over verified TLS with client certificates and a Redis ACL user", async () => {
    const sink = captureLog();
    const { config, server } = await migrateAndStart({ ...productionServerEnv(), ...tlsEnv() }, sink);
    try {
      expect(config.mode).toBe("production");
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      // The server's own view of Airlock's connection: TLS, on every pool.
      const mine = await sql<{ ssl: boolean; version: string }>`select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`.execute(server.services.storage.db);
      expect(mine.rows[0]).toMatchObject({ ssl: true });
      expect(mine.rows[0]?.version).toMatch(/^TLSv1\.[23]$/);
      const pools = await sql<{ application_name: string; ssl: boolean }>`select a.application_name, s.ssl from pg_stat_activity a join pg_stat_ssl s using (pid) where a.usename = 'airlock'`.execute(server.services.storage.db);
      expect(new Set(pools.rows.map((r) => r.application_name))).toEqual(new Set(["airlock", "airlock-keyvault"]));
      expect(pools.rows.every((r) => r.ssl)).toBe(true);
      // The bus: publish and subscribe through the TLS-only Redis as the ACL user.
      const bus = await RedisBus.connect(config as typeof config & { redisUrl: string }, sink.log);
      try {
        expect(await roundTrip(bus, "airlock:test:tls")).toBe("over TLS");
      } finally {
        await bus.close();
      }
      const listening = sink.text().split("\n").find((l) => l.includes('"airlock listening"'));
      expect((JSON.parse(listening ?? "{}") as { connections?: unknown }).connections).toEqual({ database: "tls:verify-full", keyVault: "tls:verify-full", redis: "tls:verify-full" });
    } finally {
      await server.shutdown("test finished");
    }
    expectNoSecret(sink.text());
  }, 60_000);

  it("refuses a PostgreSQL server certificate from another CA, for the database and the key vault", async () => {
    const env = { ...productionServerEnv(), ...tlsEnv({ AIRLOCK_DATABASE_TLS_CA_FILE: pki.rogueCaCert }) };
    const { config } = loadConfig(env);
    const storage = openStorage(config.databaseUrl, { poolSize: 1, tls: config });
    try {
      await expect(sql`select 1`.execute(storage.db)).rejects.toMatchObject({ code: "SELF_SIGNED_CERT_IN_CHAIN" });
    } finally {
      await storage.close();
    }
    const sink = captureLog();
    const start = startServer(config, { log: sink.log });
    await expect(start).rejects.toThrow(/^cannot connect to the database \(SELF_SIGNED_CERT_IN_CHAIN\): the PostgreSQL server certificate is not trusted/);
    await expect(KeyVault.open(config.keyVaultUrl, { poolSize: 1, tls: config })).rejects.toThrow(/^cannot connect to the key vault \(SELF_SIGNED_CERT_IN_CHAIN\)/);
    expectNoSecret(sink.text());
    expectNoSecret(await start.then(() => "", (e: Error) => e.message));
  }, 30_000);

  it("airlock serve --migrate refuses a PostgreSQL certificate from another CA with the cause, never the URL or password", () => {
    const r = runCli(["serve", "--migrate"], { ...productionServerEnv(), ...tlsEnv({ AIRLOCK_DATABASE_TLS_CA_FILE: pki.rogueCaCert }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^airlock: cannot start: cannot connect to the database \(SELF_SIGNED_CERT_IN_CHAIN\): the PostgreSQL server certificate is not trusted for this host; check databaseTlsCaFile/m);
    expect(r.stderr + r.stdout).not.toContain(postgres.url("airlock"));
    expectNoSecret(r.stdout + r.stderr);
  }, 60_000);

  it("verify-full refuses a certificate of the trusted CA that names another host, which verify-ca would accept", async () => {
    await postgres.useCertificate(pki.otherHostCert, pki.otherHostKey);
    try {
      const { config } = loadConfig(tlsEnv());
      const full = openStorage(config.databaseUrl, { poolSize: 1, tls: config });
      const caOnly = openStorage(postgres.url("airlock", "verify-ca"), { poolSize: 1, tls: config });
      try {
        await expect(sql`select 1`.execute(full.db)).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
        await expect(sql`select 1 as one`.execute(caOnly.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
      } finally {
        await full.close();
        await caOnly.close();
      }
    } finally {
      await postgres.useCertificate(pki.serverCert, pki.serverKey);
    }
  }, 30_000);

  it("refuses a Redis server certificate from another CA", async () => {
    const sink = captureLog();
    const { config } = loadConfig(tlsEnv({ AIRLOCK_REDIS_TLS_CA_FILE: pki.rogueCaCert }));
    const refused = RedisBus.connect(config as typeof config & { redisUrl: string }, sink.log);
    await expect(refused).rejects.toThrow(/^cannot connect to the Redis bus \(SELF_SIGNED_CERT_IN_CHAIN\): the Redis server certificate is not trusted/);
    expectNoSecret(sink.text());
  }, 30_000);

  it("refuses a wrong Redis password with a clear error, and neither the error nor the log holds a password", async () => {
    const wrongFile = path.join(dir, "wrong-password");
    const wrong = `nope-${randomBytes(8).toString("hex")}`;
    writeFileSync(wrongFile, wrong);
    const sink = captureLog();
    const { config } = loadConfig(tlsEnv({ AIRLOCK_REDIS_PASSWORD_FILE: wrongFile }));
    const error = await RedisBus.connect(config as typeof config & { redisUrl: string }, sink.log).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^cannot connect to the Redis bus \(WRONGPASS\): Redis refused Airlock's credentials; check redisUsername and redisPasswordFile/);
    for (const text of [error?.message ?? "", sink.text()]) {
      expect(text).not.toContain(wrong);
      expectNoSecret(text);
    }
    // And the whole server refuses to start with it.
    await expect(migrateAndStart({ ...productionServerEnv(), ...tlsEnv({ AIRLOCK_REDIS_PASSWORD_FILE: wrongFile }) }, captureLog())).rejects.toThrow(/WRONGPASS/);
  }, 30_000);

  it("production refuses PostgreSQL and Redis without verified TLS, naming the opt-out settings", () => {
    const production = productionServerEnv();
    const plain = configIssues({ ...production, AIRLOCK_DATABASE_URL: postgres.url("airlock"), AIRLOCK_KEY_VAULT_URL: postgres.url("airlock_keys"), AIRLOCK_REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    expect(plain.map((i) => i.field).sort()).toEqual(["databaseUrl", "keyVaultUrl", "redisUrl"]);
    expect(plain.find((i) => i.field === "databaseUrl")?.message).toMatch(/is not encrypted \(no TLS\); production needs sslmode=verify-full .* AIRLOCK_ALLOW_INSECURE_DATABASE_CONNECTION=true/);
    expect(plain.find((i) => i.field === "redisUrl")?.message).toMatch(/not encrypted \(redis:\/\/\); production needs rediss:\/\/ .* AIRLOCK_ALLOW_INSECURE_REDIS_CONNECTION=true/);
    // TLS without verifying the certificate, or its host name, is refused the same way.
    for (const [mode, why] of [["require", /server certificate is not verified/], ["verify-ca", /names the host/], ["disable", /not encrypted/]] as const) {
      const issues = configIssues({ ...production, AIRLOCK_DATABASE_URL: postgres.url("airlock", mode), AIRLOCK_KEY_VAULT_URL: postgres.url("airlock_keys", "verify-full") });
      expect(issues.map((i) => `${i.field}: ${i.message}`), mode).toEqual([expect.stringMatching(why)]);
    }
    // Dev mode is not concerned; neither is SQLite in production.
    expect(configIssues({ AIRLOCK_DATABASE_URL: postgres.url("airlock"), AIRLOCK_REDIS_URL: `redis://127.0.0.1:${redis.port}` })).toEqual([]);
    expect(configIssues(production)).toEqual([]);
    expect(configIssues({ ...production, ...tlsEnv() })).toEqual([]);
    for (const issue of plain) expectNoSecret(`${issue.source} ${issue.message}`);
  });

  it("airlock serve in production exits before connecting when PostgreSQL is plaintext, naming the opt-out", () => {
    const r = runCli(["serve", "--migrate"], { ...productionServerEnv(), AIRLOCK_DATABASE_URL: postgres.url("airlock"), AIRLOCK_KEY_VAULT_URL: postgres.url("airlock_keys", "verify-full") });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/databaseUrl \(AIRLOCK_DATABASE_URL\): the PostgreSQL connection is not encrypted .* AIRLOCK_ALLOW_INSECURE_DATABASE_CONNECTION=true/);
    expectNoSecret(r.stdout + r.stderr);
  });

  it("with the named opt-outs production runs on plaintext PostgreSQL and Redis, and logs which opt-out allowed it", async () => {
    const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
    const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
    if (!pgBase || !redisUrl) return;
    const database = `airlock_optout_${randomBytes(4).toString("hex")}`;
    const admin = openStorage(pgBase, { poolSize: 1 });
    await sql.raw(`create database ${database}`).execute(admin.db);
    await sql.raw(`create database ${database}_keys`).execute(admin.db);
    const at = (name: string) => Object.assign(new URL(pgBase), { pathname: `/${name}` }).toString();
    const env = { ...productionServerEnv(), AIRLOCK_DATABASE_URL: at(database), AIRLOCK_KEY_VAULT_URL: at(`${database}_keys`), AIRLOCK_REDIS_URL: redisUrl };
    expect(configIssues(env).map((i) => i.field).sort()).toEqual(["databaseUrl", "keyVaultUrl", "redisUrl"]);
    const sink = captureLog();
    const { server } = await migrateAndStart({ ...env, AIRLOCK_ALLOW_INSECURE_DATABASE_CONNECTION: "true", AIRLOCK_ALLOW_INSECURE_REDIS_CONNECTION: "true" }, sink);
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const warnings = sink.text().split("\n").filter((l) => l.includes("accepted by an explicit opt-out")).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(warnings.map((w) => [w.connection, w.transport, w.optOut])).toEqual([
        ["database", "plaintext", "allowInsecureDatabaseConnection"],
        ["keyVault", "plaintext", "allowInsecureDatabaseConnection"],
        ["redis", "plaintext", "allowInsecureRedisConnection"],
      ]);
    } finally {
      await server.shutdown("test finished");
      await sql.raw(`drop database if exists ${database} with (force)`).execute(admin.db);
      await sql.raw(`drop database if exists ${database}_keys with (force)`).execute(admin.db);
      await admin.close();
    }
  }, 60_000);
});
