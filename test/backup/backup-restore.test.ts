import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { loadMasterKeys, type MasterKeyRing } from "../../src/auth/master-keys.js";
import { recordAudit, verifyAudit } from "../../src/audit/trail.js";
import { createBackup } from "../../src/backup/create-backup.js";
import { mainDatabase, vaultDatabase, type BackupDatabase } from "../../src/backup/databases.js";
import { restoreBackup } from "../../src/backup/restore-backup.js";
import { ConversationKeys } from "../../src/chat/conversation-keys.js";
import { eraseVisitor } from "../../src/chat/gdpr.js";
import { readTranscript } from "../../src/chat/transcripts.js";
import type { Config } from "../../src/config/schema.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { migrateUp, migrationStatus } from "../../src/storage/migrate.js";
import type { Database } from "../../src/storage/schema.js";
import { vaultUrlFor } from "../chat/chat-fixture.js";
import { describeEachDialect, type DialectFixture } from "../helpers/dialects.js";
import { canaries, dumpTables, seed, type Seeded } from "./seed.js";
import { codeOf } from "../helpers/refusal.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-backup-"));
const closeLater: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of closeLater) await c.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string) => path.join(dir, `${name}-${randomBytes(4).toString("hex")}.alb`);
const options = { airlockVersion: "test" };

function ringWith(line: string): MasterKeyRing {
  return loadMasterKeys({ masterKey: line } as Config);
}

/** A fresh main database of this dialect, not migrated: restore migrates it itself. */
async function freshMain(fx: DialectFixture): Promise<BackupDatabase<Database>> {
  return mainDatabase(await fx.open({ migrate: false }));
}

/** A fresh, empty key vault apart from any main database. */
async function freshVault(fx: DialectFixture): Promise<{ url: string; database: BackupDatabase<unknown> }> {
  const url = (await vaultUrlFor(fx)) ?? `sqlite:${file("vault")}.db`;
  const database = vaultDatabase(url) as BackupDatabase<unknown>;
  closeLater.push(database);
  return { url, database };
}

async function keysOn(vaultUrl: string, ring: MasterKeyRing): Promise<ConversationKeys> {
  const vault = await KeyVault.open(vaultUrl);
  closeLater.push(vault);
  return ConversationKeys.create(ring, vault);
}

async function untouched(target: BackupDatabase<Database>): Promise<boolean> {
  return (await migrationStatus({ db: target.db, dialect: target.dialect, close: () => target.close() })).every((m) => m.executedAt === null);
}

describeEachDialect("backup and restore", (fx) => {
  const plant = canaries();
  let source: Storage;
  let seeded: Seeded;
  let backupFile: string;

  it("restores a backup into a fresh database with identical rows and a verifying audit chain", async () => {
    source = await fx.open();
    seeded = await seed(source, plant, { auditEntries: 30, vaultUrl: await vaultUrlFor(fx) });
    closeLater.push(seeded.vault);
    backupFile = file("full");
    const progress: string[] = [];
    const made = await createBackup(mainDatabase(source), seeded.ring, backupFile, { ...options, onProgress: (p) => progress.push(`${p.tablesDone}/${p.tablesTotal}`) });
    expect(made.audit).toMatchObject({ ok: true, entries: 30 });
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(progress.at(-1)).toBe(`${made.tables.length}/${made.tables.length}`);
    expect(made.tables.map((t) => t.name)).toEqual(expect.arrayContaining(["agent", "audit_log", "chat_message", "chat_conversation"]));

    const target = await freshMain(fx);
    const restored = await restoreBackup(target, seeded.ring, backupFile);
    expect(restored).toMatchObject({ database: "main", rows: made.rows, replaced: false, audit: { ok: true, entries: 30, headSeq: 30 } });
    expect(await dumpTables({ db: target.db, dialect: target.dialect, close: () => target.close() })).toEqual(await dumpTables(source));
    expect((await verifyAudit(target.db)).ok).toBe(true);
  });

  it("writes none of the canary strings in clear into the backup file", () => {
    const bytes = readFileSync(backupFile);
    for (const value of Object.values(plant)) {
      expect(bytes.includes(Buffer.from(value, "utf8")), value).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(value).toString("base64"))), `${value} (base64)`).toBe(false);
      expect(bytes.includes(Buffer.from(value, "utf16le")), `${value} (utf-16)`).toBe(false);
    }
  });

  it("keeps transcripts readable with the live key vault, and erasure reaches the backup: a shredded key leaves its conversation unreadable in the restored copy while a bystander stays readable", async () => {
    const restored = await freshMain(fx);
    await restoreBackup(restored, seeded.ring, backupFile);
    const before = await readTranscript(restored.db, seeded.keys, seeded.conversationId, { agentId: seeded.agentId });
    expect(before.messages.map((m) => m.text)).toContain(plant.chatText);

    const live = await fx.open();
    const other = await seed(live, canaries(), { vaultUrl: await vaultUrlFor(fx) });
    closeLater.push(other.vault);
    const copy = file("before-erase");
    await createBackup(mainDatabase(live), other.ring, copy, options);
    await eraseVisitor(live.db, other.keys, other.visitorId, "agent:test");
    const fromCopy = await freshMain(fx);
    await restoreBackup(fromCopy, other.ring, copy);
    const freshKeys = await keysOn(other.config.keyVaultUrl, other.ring);
    expect(await codeOf(readTranscript(fromCopy.db, freshKeys, other.conversationId, { agentId: other.agentId }))).toBe("not_found");
    const bystander = await readTranscript(fromCopy.db, freshKeys, other.bystanderConversationId, { agentId: other.agentId });
    expect(bystander.messages.map((m) => m.text)).toEqual(["bystander question"]);
  });

  it("backs up the key vault into its own file, restores it, and a retired master key makes that file unreadable", async () => {
    const vaultSource = vaultDatabase(seeded.config.keyVaultUrl) as BackupDatabase<unknown>;
    closeLater.push(vaultSource);
    const vaultFile = file("vault");
    const made = await createBackup(vaultSource, seeded.ring, vaultFile, options);
    expect(made).toMatchObject({ database: "vault", audit: null, tables: [{ name: "vault_data_key", rows: 3 }] });
    const { url, database } = await freshVault(fx);
    expect(await codeOf(restoreBackup(await freshMain(fx), seeded.ring, vaultFile))).toBe("backup_target_schema");
    await restoreBackup(database, seeded.ring, vaultFile);
    const restoredMain = await freshMain(fx);
    await restoreBackup(restoredMain, seeded.ring, backupFile);
    const transcript = await readTranscript(restoredMain.db, await keysOn(url, seeded.ring), seeded.conversationId, { agentId: seeded.agentId });
    expect(transcript.messages.map((m) => m.text)).toContain(plant.chatText);
    // The ring after `keys rotate` + `keys retire`: the key the file was sealed under is gone.
    const retired = ringWith(`k2:${randomBytes(32).toString("base64")}`);
    expect(await codeOf(restoreBackup((await freshVault(fx)).database, retired, vaultFile))).toBe("backup_key_unknown");
  });

  it("refuses a tampered, truncated, extended or relabelled file before touching the target", async () => {
    const original = readFileSync(backupFile);
    const flipped = Buffer.from(original);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0x01;
    const variants: Record<string, Buffer> = {
      flippedByte: flipped,
      truncated: original.subarray(0, original.length - 10),
      trailingBytes: Buffer.concat([original, Buffer.from("x")]),
      header: Buffer.from(original.toString("latin1").replace(/"createdAt":"\d/, (m) => m.slice(0, -1) + (m.endsWith("1") ? "2" : "1")), "latin1"),
      notABackup: Buffer.from("SQLite format 3\u0000"),
    };
    const codes: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(variants)) {
      const tampered = file(name);
      writeFileSync(tampered, bytes);
      const target = await freshMain(fx);
      codes[name] = await codeOf(restoreBackup(target, seeded.ring, tampered));
      expect(await untouched(target), name).toBe(true);
    }
    expect(codes).toEqual({ flippedByte: "backup_corrupt", truncated: "backup_truncated", trailingBytes: "backup_corrupt", header: "backup_corrupt", notABackup: "backup_format" });
  });

  it("refuses a database that holds data unless forced, and then replaces its rows", async () => {
    const storage = await fx.open();
    await recordAudit(storage.db, { actor: "system", action: "unrelated.event", decision: "info" });
    const target = mainDatabase(storage);
    expect(await codeOf(restoreBackup(target, seeded.ring, backupFile))).toBe("backup_target_not_empty");
    expect((await storage.db.selectFrom("audit_log").select("action").execute()).map((r) => r.action)).toEqual(["unrelated.event"]);
    const forced = await restoreBackup(target, seeded.ring, backupFile, { force: true });
    expect(forced.replaced).toBe(true);
    expect(await dumpTables(storage)).toEqual(await dumpTables(source));
  });

  it("takes a consistent snapshot while another connection keeps appending to the audit trail", async () => {
    const url = await fx.freshUrl();
    const live = openStorage(url);
    const writer = openStorage(url);
    closeLater.push(live, writer);
    expect((await migrateUp(live)).ok).toBe(true);
    for (let i = 0; i < 1200; i++) await recordAudit(live.db, { actor: "system", action: "load.seed", decision: "info" });
    let running = true;
    let appended = 0;
    const writing = (async () => {
      while (running) {
        await recordAudit(writer.db, { actor: "system", action: "load.append", decision: "info" });
        appended++;
        // better-sqlite3 answers synchronously: give the event loop (and the backup's file writes) a turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const snapshotFile = file("concurrent");
    const ring = ringWith(`k1:${randomBytes(32).toString("base64")}`);
    const made = await createBackup(mainDatabase(live), ring, snapshotFile, options);
    const appendedDuringBackup = appended;
    running = false;
    await writing;
    expect(appendedDuringBackup).toBeGreaterThan(0);
    expect(made.audit?.ok).toBe(true);
    const restored = await restoreBackup(await freshMain(fx), ring, snapshotFile);
    expect(restored.audit).toEqual(made.audit);
  });

  if (fx.dialect === "postgres") {
    it("restores into the other dialect both ways (PostgreSQL -> SQLite -> PostgreSQL)", async () => {
      const sqliteTarget = openStorage(`sqlite:${file("cross")}.db`);
      closeLater.push(sqliteTarget);
      const intoSqlite = await restoreBackup(mainDatabase(sqliteTarget), seeded.ring, backupFile);
      expect(intoSqlite).toMatchObject({ sourceDialect: "postgres", targetDialect: "sqlite" });
      expect(await dumpTables(sqliteTarget)).toEqual(await dumpTables(source));
      const fromSqlite = file("from-sqlite");
      await createBackup(mainDatabase(sqliteTarget), seeded.ring, fromSqlite, options);
      const pgTarget = await fx.open({ migrate: false });
      const back = await restoreBackup(mainDatabase(pgTarget), seeded.ring, fromSqlite);
      expect(back).toMatchObject({ sourceDialect: "sqlite", targetDialect: "postgres", audit: { ok: true } });
      expect(await dumpTables(pgTarget)).toEqual(await dumpTables(source));
    });
  }
});
