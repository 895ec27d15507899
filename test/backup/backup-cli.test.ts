import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/trail.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { openStorage } from "../../src/storage/db.js";
import { runCli } from "../helpers/cli.js";
import { describeEachDialect } from "../helpers/dialects.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-backup-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachDialect("airlock backup create/restore", (fx) => {
  it("backs up and restores through the CLI: one JSON document on stdout, progress per table on stderr, specific codes on failure", async () => {
    const keyFile = path.join(dir, `keys-${fx.dialect}`);
    writeFileSync(keyFile, `k1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const vaultUrl = fx.dialect === "postgres" ? await fx.freshUrl() : `sqlite:${path.join(dir, `vault-${fx.dialect}.db`)}`;
    const env = (databaseUrl: string) => ({ AIRLOCK_DATABASE_URL: databaseUrl, AIRLOCK_KEY_VAULT_URL: vaultUrl, AIRLOCK_MASTER_KEY_FILE: keyFile, AIRLOCK_DATA_DIR: dir });
    const sourceUrl = await fx.freshUrl();
    expect(runCli(["migrate", "up"], env(sourceUrl)).status).toBe(0);
    const source = openStorage(sourceUrl);
    for (let i = 0; i < 5; i++) await recordAudit(source.db, { actor: "system", action: "cli.test", decision: "info" });
    await source.close();
    const file = path.join(dir, `cli-${fx.dialect}.alb`);

    const created = runCli(["backup", "create", "--out", file, "--json"], env(sourceUrl));
    expect(created.status, created.stderr).toBe(0);
    const summary = JSON.parse(created.stdout) as { ok: boolean; database: string; tables: unknown[]; audit: { ok: boolean } };
    expect(summary).toMatchObject({ ok: true, database: "main", audit: { ok: true } });
    const progress = created.stderr.split("\n").filter((l) => l.startsWith("backup: "));
    expect(progress).toHaveLength(summary.tables.length);
    expect(progress.at(-1)).toMatch(new RegExp(`^backup: ${summary.tables.length}/${summary.tables.length} tables`));

    const again = runCli(["backup", "create", "--out", file, "--json"], env(sourceUrl));
    expect(again.status).toBe(1);

    const targetUrl = await fx.freshUrl();
    const restored = runCli(["backup", "restore", "--in", file, "--json"], env(targetUrl));
    expect(restored.status, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ ok: true, database: "main", replaced: false, audit: { ok: true, entries: 5 } });
    expect(restored.stderr).toMatch(/^restore: 1\/\d+ tables/m);

    const busy = runCli(["backup", "restore", "--in", file, "--json"], env(targetUrl));
    expect(busy.status).toBe(1);
    expect(JSON.parse(busy.stdout)).toMatchObject({ ok: false, code: "backup_target_not_empty" });
    const forced = runCli(["backup", "restore", "--in", file, "--force"], env(targetUrl));
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/audit chain after restore: intact/);

    const vaultFile = path.join(dir, `cli-vault-${fx.dialect}.alb`);
    // A vault nothing has opened yet (the restores above opened the configured one to re-apply erasures).
    const neverOpened = fx.dialect === "postgres" ? await fx.freshUrl() : `sqlite:${path.join(dir, `vault-unopened-${fx.dialect}.db`)}`;
    const unopened = runCli(["backup", "create", "--vault", "--out", vaultFile, "--json"], { ...env(sourceUrl), AIRLOCK_KEY_VAULT_URL: neverOpened });
    expect(unopened.status).toBe(1);
    expect(JSON.parse(unopened.stdout)).toMatchObject({ ok: false, code: "backup_source_schema" });
    await (await KeyVault.open(vaultUrl)).close(); // as the server does at start
    const vault = runCli(["backup", "create", "--vault", "--out", vaultFile, "--json"], env(sourceUrl));
    expect(vault.status, vault.stderr).toBe(0);
    expect(JSON.parse(vault.stdout)).toMatchObject({ ok: true, database: "vault", audit: null });

    writeFileSync(keyFile, `k2:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const unknownKey = runCli(["backup", "restore", "--in", file], env(await fx.freshUrl()));
    expect(unknownKey.status).toBe(1);
    expect(unknownKey.stderr).toMatch(/^airlock: backup_key_unknown: /m);
  }, 120_000); // many CLI processes, each starting Node
});
