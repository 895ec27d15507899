import path from "node:path";
import type { Command } from "commander";
import { loadMasterKeys, type MasterKeyRing } from "../auth/master-keys.js";
import type { VerifyResult } from "../audit/trail.js";
import type { Config } from "../config/schema.js";
import { createBackup, type Progress } from "../backup/create-backup.js";
import { mainDatabase, vaultDatabase, type BackupDatabase, type DatabaseKind } from "../backup/databases.js";
import { BackupError } from "../backup/errors.js";
import { mkdirSync, readFileSync } from "node:fs";
import { recordBackupSuccess } from "../backup/backup-record.js";
import { parseAuditExport, type ErasureReplay } from "../backup/reapply-erasures.js";
import { restoreAndReapply } from "../backup/restore-and-reapply.js";
import { runRestoreDrill, writeDrillRecord } from "../backup/restore-drill.js";
import { runScheduledBackup } from "../backup/scheduled-backup.js";
import { openStorage } from "../storage/db.js";
import { configOrExit } from "./load-config.js";
import { emit, ExitCode } from "./output.js";
import { airlockVersion } from "./version.js";

// Progress goes to stderr (tables done / total) so stdout stays one JSON document with --json.
function progressLine(verb: string): (p: Progress) => void {
  return (p) => process.stderr.write(`${verb}: ${p.tablesDone}/${p.tablesTotal} tables (${p.table}: ${p.rows} rows)\n`);
}

function open(config: Config, kind: DatabaseKind): BackupDatabase<unknown> {
  return (kind === "vault" ? vaultDatabase(config.keyVaultUrl, config) : mainDatabase(openStorage(config.databaseUrl, { poolSize: 2, tls: config }))) as BackupDatabase<unknown>;
}

/** Runs a backup operation; a BackupError becomes its code and message (JSON with --json) and exit 1. */
async function run<T>(json: boolean, body: (config: Config, ring: MasterKeyRing) => Promise<T>): Promise<T | undefined> {
  const config = configOrExit(json);
  try {
    return await body(config, loadMasterKeys(config));
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    if (json) process.stdout.write(JSON.stringify({ ok: false, code: err.code, error: err.message }, null, 2) + "\n");
    else process.stderr.write(`airlock: ${err.code}: ${err.message}\n`);
    process.exitCode = ExitCode.failure;
    return undefined;
  }
}

async function using<T>(database: BackupDatabase<unknown>, body: (db: BackupDatabase<unknown>) => Promise<T>): Promise<T> {
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

function auditLine(audit: VerifyResult | null, when: string): string {
  if (!audit) return "";
  return audit.ok
    ? `\naudit chain ${when}: intact, ${audit.entries} entries, head #${audit.headSeq} ${audit.headHash}`
    : `\naudit chain ${when}: BROKEN at entry ${audit.brokenAt} (${audit.reason})`;
}

export function registerBackupCommand(program: Command): void {
  const backup = program.command("backup").description("encrypted backups of the main database and of the key vault, and their restore (see docs/backup.md)");

  backup
    .command("create")
    .description("write a consistent, encrypted snapshot of every table to a new file (mode 0600), under a key derived from the current master key")
    .requiredOption("--out <file>", "the backup file to create (must not exist)")
    .option("--vault", "back up the key vault (wrapped chat data keys) instead of the main database")
    .option("--json", "print JSON")
    .action(async (opts: { out: string; vault?: boolean; json?: boolean }) => {
      const json = Boolean(opts.json);
      const out = path.resolve(opts.out);
      const summary = await run(json, async (config, ring) => {
        const made = await using(open(config, opts.vault ? "vault" : "main"), (db) => createBackup(db, ring, out, { airlockVersion: airlockVersion(), onProgress: progressLine("backup") }));
        const storage = openStorage(config.databaseUrl, { poolSize: 1 });
        await recordBackupSuccess(storage.db, made.database, made.keyId, Date.now()).finally(() => storage.close());
        return made;
      });
      if (!summary) return;
      emit(json, { ok: true, ...summary }, () =>
        `${summary.database} database backed up to ${summary.file}: ${summary.tables.length} tables, ${summary.rows} rows, master key ${summary.keyId}` + auditLine(summary.audit, "at the snapshot"),
      );
      if (summary.audit && !summary.audit.ok) process.stderr.write(`airlock: warning: the audit chain was already broken when the snapshot was taken\n`);
    });

  backup
    .command("restore")
    .description("authenticate a backup file end to end, load it into the configured database (or key vault, for a vault backup), verify the audit chain, then re-apply the erasures made after the backup; refuses a database that holds data unless --force")
    .requiredOption("--in <file>", "the backup file to restore")
    .option("--force", "replace the rows of a database that already holds data")
    .option("--erasures <file>", "an `airlock audit export` (e.g. the SIEM copy): its gdpr.erase entries after the backup's time are applied again")
    .option("--json", "print JSON")
    .action(async (opts: { in: string; force?: boolean; erasures?: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      const file = path.resolve(opts.in);
      const summary = await run(json, async (config, ring) => {
        const auditRecords = opts.erasures ? parseAuditExport(readFileSync(opts.erasures, "utf8")) : [];
        return restoreAndReapply(file, ring, { databaseUrl: config.databaseUrl, keyVaultUrl: config.keyVaultUrl }, { force: Boolean(opts.force), auditRecords, onProgress: progressLine("restore") });
      });
      if (!summary) return;
      emit(json, { ok: true, ...summary }, () =>
        `restored the ${summary.database} database: ${summary.rows} rows in ${summary.tables.length} tables from the backup of ${summary.backupCreatedAt} (${summary.sourceDialect} -> ${summary.targetDialect})` +
        auditLine(summary.audit, "after restore") +
        "\n" + erasureLines(summary.erasures),
      );
    });

  backup
    .command("run")
    .description("the scheduled backup: a main and a vault backup into DIR (named airlock-<main|vault>-<UTC time>.alb), each recorded in the audit trail, then backups past their retention deleted")
    .requiredOption("--dir <dir>", "the backup store (an EU volume apart from the databases)")
    .option("--vault-days <days>", "delete vault backups older than this (the runbook: 7)", days, 7)
    .option("--main-days <days>", "delete main backups older than this (0 keeps them)", days, 0)
    .option("--json", "print JSON")
    .action(async (opts: { dir: string; vaultDays: number; mainDays: number; json?: boolean }) => {
      const json = Boolean(opts.json);
      const outcome = await run(json, (config, ring) =>
        runScheduledBackup(ring, { dir: path.resolve(opts.dir), databaseUrl: config.databaseUrl, keyVaultUrl: config.keyVaultUrl, retention: { vault: opts.vaultDays, main: opts.mainDays }, airlockVersion: airlockVersion(), onProgress: progressLine("backup") }),
      );
      if (!outcome) return;
      emit(json, { ok: true, ...outcome }, () =>
        `main backup ${outcome.main.file} (${outcome.main.rows} rows)` + auditLine(outcome.main.audit, "at the snapshot") +
        `\nvault backup ${outcome.vault.file} (${outcome.vault.rows} rows)\n${outcome.expired.length} expired backups deleted`,
      );
      if (outcome.main.audit && !outcome.main.audit.ok) process.stderr.write(`airlock: warning: the audit chain was already broken when the snapshot was taken\n`);
    });

  backup
    .command("drill")
    .description("restore drill: restore the latest main and vault backups of DIR into empty scratch databases, verify the audit chain and write a JSON drill record; exit 1 when the drill fails")
    .requiredOption("--dir <dir>", "the backup store")
    .requiredOption("--record <path>", "the drill record to write (must not exist); a path ending in / is a directory, created if needed, that gets restore-drill-<UTC time>.json")
    .requiredOption("--scratch-database-url <url>", "an empty scratch main database (sqlite:PATH or postgres://…), never the production one")
    .requiredOption("--scratch-key-vault-url <url>", "an empty scratch key vault")
    .option("--json", "print the record")
    .action(async (opts: { dir: string; record: string; scratchDatabaseUrl: string; scratchKeyVaultUrl: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      if (opts.scratchDatabaseUrl === config.databaseUrl || opts.scratchKeyVaultUrl === config.keyVaultUrl) {
        process.stderr.write("airlock: the scratch databases must not be the configured ones\n");
        process.exitCode = ExitCode.invalidConfig;
        return;
      }
      const record = await runRestoreDrill(loadMasterKeys(config), { store: path.resolve(opts.dir), scratch: { databaseUrl: opts.scratchDatabaseUrl, keyVaultUrl: opts.scratchKeyVaultUrl } });
      const recordFile = drillRecordPath(opts.record, Date.parse(record.startedAt));
      writeDrillRecord(recordFile, record);
      emit(json, record, () =>
        record.ok
          ? `restore drill passed: ${record.main?.file ?? ""} and ${record.vault?.file ?? ""} restored, audit chain intact (${record.audit?.entries ?? 0} entries); record ${recordFile}`
          : `restore drill FAILED: ${record.error?.code ?? ""}: ${record.error?.message ?? ""}; record ${recordFile}`,
      );
      if (!record.ok) process.exitCode = ExitCode.failure;
    });
}

function drillRecordPath(given: string, at: number): string {
  if (!given.endsWith("/")) return path.resolve(given);
  mkdirSync(given, { recursive: true, mode: 0o750 });
  return path.resolve(given, `restore-drill-${new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z")}.json`);
}

function days(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new Error("days must be a whole number");
  return Number(value);
}

function erasureLines(e: ErasureReplay): string {
  const lines = [`erasures re-applied: ${e.visitors.length} visitors from audit records after the backup, ${e.keylessConversations} conversations without a data key, ${e.orphanKeys} orphaned data keys`];
  for (const note of e.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}
