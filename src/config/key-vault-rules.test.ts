import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { maskedConfig } from "./mask.js";
import { configIssues, productionEnv } from "../../test/helpers/config-env.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-vaultcfg-"));
const production = productionEnv();
const PG = "postgres://airlock:pw@db.bank.example:5432/airlock";
const vaultIssues = (env: Record<string, string>) => configIssues({ AIRLOCK_DATA_DIR: dir, ...env }).filter((i) => i.field === "keyVaultUrl");

describe("keyVaultUrl", () => {
  it("defaults to a SQLite file beside the main database, never the main database itself", () => {
    const { config } = loadConfig({ AIRLOCK_DATA_DIR: dir });
    expect(config.keyVaultUrl).toBe(`sqlite:${path.join(dir, "keyvault.db")}`);
    expect(config.keyVaultUrl).not.toBe(config.databaseUrl);
  });

  it("refuses the main database as the vault, on either dialect and however the URL is spelled", () => {
    expect(vaultIssues({ AIRLOCK_KEY_VAULT_URL: `sqlite:${path.join(dir, "airlock.db")}` })).toHaveLength(1);
    expect(vaultIssues({ AIRLOCK_KEY_VAULT_URL: `sqlite:${dir}/./airlock.db` })).toHaveLength(1);
    expect(vaultIssues({ AIRLOCK_DATABASE_URL: PG, AIRLOCK_KEY_VAULT_URL: "postgresql://other:pw@DB.bank.example/airlock" })[0]?.message).toMatch(/must not be the main database/);
    expect(vaultIssues({ AIRLOCK_DATABASE_URL: PG, AIRLOCK_KEY_VAULT_URL: "postgres://airlock:pw@db.bank.example:5432/airlock_keys" })).toEqual([]);
    // the same database name on another server is another database
    expect(vaultIssues({ AIRLOCK_DATABASE_URL: PG, AIRLOCK_KEY_VAULT_URL: "postgres://airlock:pw@vault.bank.example/airlock" })).toEqual([]);
  });

  it("must be PostgreSQL when the main database is, and a known scheme", () => {
    expect(vaultIssues({ AIRLOCK_DATABASE_URL: PG, AIRLOCK_KEY_VAULT_URL: `sqlite:${dir}/v.db` })[0]?.message).toMatch(/must be a PostgreSQL database/);
    expect(vaultIssues({ AIRLOCK_KEY_VAULT_URL: "mysql://x/y" })[0]?.message).toMatch(/must start with sqlite: or postgres/);
  });

  it("is required explicitly in production with PostgreSQL, not with SQLite", () => {
    // (sslmode=verify-full: production also requires verified TLS to PostgreSQL)
    expect(vaultIssues({ ...production, AIRLOCK_DATABASE_URL: `${PG}?sslmode=verify-full` })[0]?.message).toMatch(/required in production/);
    expect(vaultIssues({ ...production, AIRLOCK_DATABASE_URL: `${PG}?sslmode=verify-full`, AIRLOCK_KEY_VAULT_URL: "postgres://airlock:pw@db.bank.example/airlock_keys?sslmode=verify-full" })).toEqual([]);
    expect(vaultIssues(production)).toEqual([]);
  });

  it("is masked like the database URL when the config is printed", () => {
    const { config } = loadConfig({ AIRLOCK_DATA_DIR: dir, AIRLOCK_DATABASE_URL: PG, AIRLOCK_KEY_VAULT_URL: "postgres://vault:hunter2@db.bank.example/airlock_keys" });
    expect(JSON.stringify(maskedConfig(config))).not.toContain("hunter2");
  });
});
