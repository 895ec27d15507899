// The backup operation: the scheduled run (both files, the record the metric reads, expiry of
// vault backups), the erasure replay after a restore, and the restore drill, on both dialects.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Registry } from "prom-client";
import { afterAll, expect, it } from "vitest";
import { exportAudit, verifyAudit } from "../../src/audit/trail.js";
import { lastBackupSuccess } from "../../src/backup/backup-record.js";
import { backupFileName, listBackups } from "../../src/backup/backup-store.js";
import { parseAuditExport } from "../../src/backup/reapply-erasures.js";
import { restoreAndReapply } from "../../src/backup/restore-and-reapply.js";
import { runRestoreDrill, writeDrillRecord } from "../../src/backup/restore-drill.js";
import { runScheduledBackup } from "../../src/backup/scheduled-backup.js";
import { ConversationKeys } from "../../src/chat/conversation-keys.js";
import { readTranscript } from "../../src/chat/transcripts.js";
import { connectVault } from "../../src/crypto/vault/connect.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { eraseVisitor } from "../../src/chat/gdpr.js";
import { registerBackupMetric } from "../../src/ops/backup-metrics.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { vaultUrlFor } from "../chat/chat-fixture.js";
import { describeEachDialect, type DialectFixture } from "../helpers/dialects.js";
import { canaries, seed, type Seeded } from "./seed.js";
import { codeOf } from "../helpers/refusal.js";

const root = mkdtempSync(path.join(tmpdir(), "airlock-backup-ops-"));
const closeLater: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of closeLater) await c.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});
let dirs = 0;
const newDir = (name: string) => {
  const dir = path.join(root, `${name}-${++dirs}`);
  mkdirSync(dir);
  return dir;
};
const DAY = 86_400_000;

interface Live {
  readonly url: string;
  readonly storage: Storage;
  readonly seeded: Seeded;
}

async function liveSystem(fx: DialectFixture): Promise<Live> {
  const url = await fx.freshUrl();
  const storage = openStorage(url);
  closeLater.push(storage);
  expect((await migrateUp(storage)).ok).toBe(true);
  const seeded = await seed(storage, canaries(), { auditEntries: 5, vaultUrl: await vaultUrlFor(fx) });
  closeLater.push(seeded.vault);
  return { url, storage, seeded };
}

/** Empty scratch main database and key vault of this dialect. */
async function scratch(fx: DialectFixture, dir: string): Promise<{ databaseUrl: string; keyVaultUrl: string }> {
  return {
    databaseUrl: await fx.freshUrl(),
    keyVaultUrl: fx.dialect === "postgres" ? await fx.freshUrl() : `sqlite:${path.join(dir, "scratch-vault.db")}`,
  };
}

async function later(than: number): Promise<void> {
  while (Date.now() <= than) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** The scheduled backup of `live` into `store` as the CronJob runs it (vault backups kept seven days). */
function backUp(live: Live, store: string, now?: number) {
  const at = now === undefined ? {} : { now: () => now };
  return runScheduledBackup(live.seeded.ring, { dir: store, databaseUrl: live.url, keyVaultUrl: live.seeded.config.keyVaultUrl, retention: { vault: 7, main: 0 }, airlockVersion: "test", ...at });
}

/** A backup, then (strictly later) the seeded visitor's erasure: the backup still holds what was erased. Returns the store. */
async function backedUpThenErased(live: Live): Promise<string> {
  const store = newDir("store");
  const taken = Date.now();
  await backUp(live, store, taken);
  await later(taken);
  await eraseVisitor(live.storage.db, live.seeded.keys, live.seeded.visitorId, "agent:test");
  return store;
}

const backupOf = (store: string, database: "main" | "vault"): string => listBackups(store).find((b) => b.database === database)!.file;

async function conversationIds(url: string): Promise<string[]> {
  const s = openStorage(url, { poolSize: 1 });
  try {
    return (await s.db.selectFrom("chat_conversation").select("id").execute()).map((r) => r.id);
  } finally {
    await s.close();
  }
}

async function vaultIds(url: string): Promise<string[]> {
  const { db } = connectVault(url, 1);
  try {
    return (await db.selectFrom("vault_data_key").select("conversation_id").execute()).map((r) => r.conversation_id);
  } finally {
    await db.destroy();
  }
}

describeEachDialect("scheduled backups and restore drills", (fx) => {
  it("backup run writes a main and a vault backup into the store, records both for the metric, and deletes vault backups older than seven days", async () => {
    const live = await liveSystem(fx);
    const store = newDir("store");
    const now = Date.now();
    // Earlier runs' files (content does not matter to expiry), and a file the job did not name.
    for (const [database, age] of [["vault", 8], ["vault", 6], ["main", 40]] as const) writeFileSync(path.join(store, backupFileName(database, now - age * DAY)), "old");
    writeFileSync(path.join(store, "operator-notes.txt"), "kept");
    const outcome = await backUp(live, store, now);
    expect(outcome.main.audit).toMatchObject({ ok: true });
    expect(outcome.expired.map((f) => path.basename(f))).toEqual([backupFileName("vault", now - 8 * DAY)]);
    expect(readdirSync(store).sort()).toEqual(
      [backupFileName("main", now - 40 * DAY), backupFileName("main", now), backupFileName("vault", now - 6 * DAY), backupFileName("vault", now), "operator-notes.txt"].sort(),
    );
    expect(await lastBackupSuccess(live.storage.db)).toEqual({ main: now, vault: now });
    expect(await verifyAudit(live.storage.db)).toMatchObject({ ok: true });

    const registry = new Registry();
    registerBackupMetric(registry, live.storage.db, () => now + 60_000);
    const text = await registry.metrics();
    const seconds = Math.floor(now / 1000);
    expect(text).toContain(`airlock_backup_last_success_timestamp_seconds{database="main"} ${seconds}`);
    expect(text).toContain(`airlock_backup_last_success_timestamp_seconds{database="vault"} ${seconds}`);
    // Eight days later with no new run: the series is absent, which the example alert catches.
    const stale = new Registry();
    registerBackupMetric(stale, live.storage.db, () => now + 8 * DAY);
    expect(await stale.metrics()).not.toContain("airlock_backup_last_success_timestamp_seconds{");
  });

  it("a full restore re-applies an erasure recorded after the backup: the erased conversation and its data key stay gone, a bystander stays readable", async () => {
    const live = await liveSystem(fx);
    const store = await backedUpThenErased(live);
    const siemCopy: string[] = [];
    for await (const r of exportAudit(live.storage.db)) siemCopy.push(JSON.stringify(r));

    // Disaster: both databases lost; restore both into new ones, main first, with the SIEM copy.
    const target = await scratch(fx, newDir("dr"));
    const main = await restoreAndReapply(backupOf(store, "main"), live.seeded.ring, target, { auditRecords: parseAuditExport(siemCopy.join("\n")) });
    expect(main.erasures.visitors).toEqual([live.seeded.visitorId]);
    const vault = await restoreAndReapply(backupOf(store, "vault"), live.seeded.ring, target);
    expect(vault.erasures.orphanKeys).toBe(1);
    expect(await conversationIds(target.databaseUrl)).not.toContain(live.seeded.conversationId);
    expect(await vaultIds(target.keyVaultUrl)).not.toContain(live.seeded.conversationId);
    expect(await vaultIds(target.keyVaultUrl)).toContain(live.seeded.bystanderConversationId);

    const restored = openStorage(target.databaseUrl, { poolSize: 1 });
    closeLater.push(restored);
    const vaultHandle = await KeyVault.open(target.keyVaultUrl);
    closeLater.push(vaultHandle);
    const keys = await ConversationKeys.create(live.seeded.ring, vaultHandle);
    const bystander = await readTranscript(restored.db, keys, live.seeded.bystanderConversationId, { agentId: live.seeded.agentId });
    expect(bystander.messages.map((m) => m.text)).toEqual(["bystander question"]);
    expect(await verifyAudit(restored.db)).toMatchObject({ ok: true });
  });

  it("a main restore beside the live key vault removes the conversations whose data key was erased after the backup, with no audit copy given", async () => {
    const live = await liveSystem(fx);
    const store = await backedUpThenErased(live);
    const target = { databaseUrl: await fx.freshUrl(), keyVaultUrl: live.seeded.config.keyVaultUrl };
    const main = await restoreAndReapply(backupOf(store, "main"), live.seeded.ring, target);
    expect(main.erasures).toMatchObject({ visitors: [], keylessConversations: 1 });
    const left = await conversationIds(target.databaseUrl);
    expect(left).not.toContain(live.seeded.conversationId);
    expect(left).toContain(live.seeded.bystanderConversationId);
  });

  it("a --force restore over the live database re-applies the erasures that database recorded after the backup", async () => {
    const live = await liveSystem(fx);
    const store = await backedUpThenErased(live);
    // A fresh, empty vault: only the replaced database's own audit trail knows of the erasure.
    const target = { databaseUrl: live.url, keyVaultUrl: (await scratch(fx, newDir("empty-vault"))).keyVaultUrl };
    const main = await restoreAndReapply(backupOf(store, "main"), live.seeded.ring, target, { force: true });
    expect(main.erasures.visitors).toEqual([live.seeded.visitorId]);
    expect(main.erasures.notes.join(" ")).toMatch(/key vault is empty/);
    expect(await conversationIds(live.url)).not.toContain(live.seeded.conversationId);
  });

  it("refuses a vault restore while the main database is empty, changing nothing", async () => {
    const live = await liveSystem(fx);
    const store = newDir("store");
    await backUp(live, store);
    const target = await scratch(fx, newDir("order"));
    expect(await codeOf(restoreAndReapply(backupOf(store, "vault"), live.seeded.ring, target))).toBe("backup_restore_order");
    expect(await vaultIds(target.keyVaultUrl).catch(() => [])).toEqual([]);
  });

  it("the restore drill restores the latest backups into scratch databases, verifies the audit chain and writes its record; a damaged latest backup fails the drill", async () => {
    const live = await liveSystem(fx);
    const store = newDir("store");
    const first = Date.now() - 2 * DAY;
    await backUp(live, store, first);
    const latest = Date.now();
    await backUp(live, store, latest);
    const records = newDir("records");
    const record = await runRestoreDrill(live.seeded.ring, { store, scratch: await scratch(fx, newDir("drill")) });
    expect(record).toMatchObject({ kind: "airlock-restore-drill", ok: true, error: null, scratchDialect: fx.dialect, audit: { ok: true } });
    expect(record.main?.file).toBe(path.join(store, backupFileName("main", latest)));
    expect(record.vault?.file).toBe(path.join(store, backupFileName("vault", latest)));
    // The restored chain ends where the live one stood at the snapshot: before the run's own two records.
    expect(record.audit).toMatchObject({ entries: (await verifyAudit(live.storage.db)).entries - 2 });
    const recordFile = path.join(records, "drill.json");
    writeDrillRecord(recordFile, record);
    expect(JSON.parse(readFileSync(recordFile, "utf8"))).toEqual(JSON.parse(JSON.stringify(record)));
    expect(() => writeDrillRecord(recordFile, record)).toThrow(/already exists/);

    const damaged = path.join(store, backupFileName("main", latest));
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(damaged, bytes);
    const failed = await runRestoreDrill(live.seeded.ring, { store, scratch: await scratch(fx, newDir("drill-damaged")) });
    expect(failed).toMatchObject({ ok: false, error: { code: "backup_corrupt" }, main: null });
  });
});

it("refuses an erasure list that is not an audit export, naming the line", () => {
  expect(() => parseAuditExport('{"seq":1,"at":5,"action":"gdpr.erase","target":"visitor:a","decision":"success"}\nnot json\n')).toThrow(/line 2 of the erasure list is not JSON/);
  expect(() => parseAuditExport('{"seq":1,"at":"yesterday","action":"gdpr.erase","target":null,"decision":"success"}')).toThrow(/line 1 .*not an audit entry \(at:/);
});
