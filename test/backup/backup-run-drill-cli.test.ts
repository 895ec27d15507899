// `airlock backup run` and `airlock backup drill` as the chart's CronJobs call them.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { runCli } from "../helpers/cli.js";
import { describeEachDialect } from "../helpers/dialects.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-backup-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachDialect("airlock backup run/drill", (fx) => {
  it("runs the scheduled backup into a store, then a restore drill that writes its JSON record; exit codes tell failures apart", async () => {
    const keyFile = path.join(dir, `keys-${fx.dialect}`);
    writeFileSync(keyFile, `k1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const scratchVault = (name: string) => (fx.dialect === "postgres" ? fx.freshUrl() : Promise.resolve(`sqlite:${path.join(dir, `${name}-${fx.dialect}.db`)}`));
    const databaseUrl = await fx.freshUrl();
    const env = { AIRLOCK_DATABASE_URL: databaseUrl, AIRLOCK_KEY_VAULT_URL: await scratchVault("vault"), AIRLOCK_MASTER_KEY_FILE: keyFile, AIRLOCK_DATA_DIR: dir };
    expect(runCli(["migrate", "up"], env).status).toBe(0);
    await (await KeyVault.open(env.AIRLOCK_KEY_VAULT_URL)).close(); // as the server does at start
    const store = path.join(dir, `store-${fx.dialect}`);
    mkdirSync(store);

    const ran = runCli(["backup", "run", "--dir", store, "--json"], env);
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ ok: true, main: { database: "main" }, vault: { database: "vault" }, expired: [] });
    expect(readdirSync(store).sort().map((f) => f.replace(/\d{8}T\d{6}Z/, "TIME"))).toEqual(["airlock-main-TIME.alb", "airlock-vault-TIME.alb"]);

    const record = path.join(dir, `drill-${fx.dialect}.json`);
    const drill = runCli(["backup", "drill", "--dir", store, "--record", record, "--scratch-database-url", await fx.freshUrl(), "--scratch-key-vault-url", await scratchVault("scratch-vault")], env);
    expect(drill.status, drill.stderr).toBe(0);
    expect(drill.stdout).toMatch(/^restore drill passed: .*audit chain intact/);
    expect(JSON.parse(readFileSync(record, "utf8"))).toMatchObject({ kind: "airlock-restore-drill", ok: true, audit: { ok: true } });

    // The chart's form: a directory (trailing /), created if needed, gets restore-drill-<UTC time>.json.
    const drills = path.join(dir, `drills-${fx.dialect}`) + "/";
    const intoDir = runCli(["backup", "drill", "--dir", store, "--record", drills, "--scratch-database-url", await fx.freshUrl(), "--scratch-key-vault-url", await scratchVault("scratch-vault-dir")], env);
    expect(intoDir.status, intoDir.stderr).toBe(0);
    expect(readdirSync(drills).map((f) => f.replace(/\d{8}T\d{6}Z/, "TIME"))).toEqual(["restore-drill-TIME.json"]);

    const sameAsLive = runCli(["backup", "drill", "--dir", store, "--record", path.join(dir, `never-${fx.dialect}.json`), "--scratch-database-url", databaseUrl, "--scratch-key-vault-url", await scratchVault("other")], env);
    expect(sameAsLive.status).toBe(2);
    expect(sameAsLive.stderr).toMatch(/must not be the configured ones/);
    expect(existsSync(path.join(dir, `never-${fx.dialect}.json`))).toBe(false);

    const empty = path.join(dir, `empty-${fx.dialect}`);
    mkdirSync(empty);
    const failedRecord = path.join(dir, `drill-failed-${fx.dialect}.json`);
    const failed = runCli(["backup", "drill", "--dir", empty, "--record", failedRecord, "--scratch-database-url", await fx.freshUrl(), "--scratch-key-vault-url", await scratchVault("scratch-vault-2"), "--json"], env);
    expect(failed.status).toBe(1);
    expect(JSON.parse(readFileSync(failedRecord, "utf8"))).toMatchObject({ ok: false, error: { code: "backup_store_empty" } });

    const badList = path.join(dir, `erasures-${fx.dialect}.jsonl`);
    writeFileSync(badList, "this is not an audit export\n");
    const main = readdirSync(store).find((f) => f.startsWith("airlock-main-"))!;
    const refused = runCli(["backup", "restore", "--in", path.join(store, main), "--erasures", badList, "--json"], { ...env, AIRLOCK_DATABASE_URL: await fx.freshUrl() });
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, code: "backup_erasure_list" });
  }, 180_000); // a dozen CLI processes, each starting Node
});
