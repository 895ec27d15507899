import path from "node:path";
import type { Command } from "commander";
import { loadMasterKeys, type MasterKeyRing } from "../auth/master-keys.js";
import type { VerifyResult } from "../audit/trail.js";
import type { Config } from "../config/schema.js";
import { createBackup, type Progress } from "../backup/create-backup.js";
import { mainDatabase, vaultDatabase, type BackupDatabase, type DatabaseKind } from "../backup/databases.js";
import { BackupError } from "../backup/errors.js";
import { backupKind, restoreBackup } from "../backup/restore-backup.js";
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
      const summary = await run(json, (config, ring) =>
        using(open(config, opts.vault ? "vault" : "main"), (db) => createBackup(db, ring, out, { airlockVersion: airlockVersion(), onProgress: progressLine("backup") })),
      );
      if (!summary) return;
      emit(json, { ok: true, ...summary }, () =>
        `${summary.database} database backed up to ${summary.file}: ${summary.tables.length} tables, ${summary.rows} rows, master key ${summary.keyId}` + auditLine(summary.audit, "at the snapshot"),
      );
      if (summary.audit && !summary.audit.ok) process.stderr.write(`airlock: warning: the audit chain was already broken when the snapshot was taken\n`);
    });

  backup
    .command("restore")
    .description("authenticate a backup file end to end, then load it into the configured database (or key vault, for a vault backup) and verify the audit chain; refuses a database that holds data unless --force")
    .requiredOption("--in <file>", "the backup file to restore")
    .option("--force", "replace the rows of a database that already holds data")
    .option("--json", "print JSON")
    .action(async (opts: { in: string; force?: boolean; json?: boolean }) => {
      const json = Boolean(opts.json);
      const file = path.resolve(opts.in);
      const summary = await run(json, async (config, ring) => {
        const kind = await backupKind(file, ring);
        return using(open(config, kind), (db) => restoreBackup(db, ring, file, { force: Boolean(opts.force), onProgress: progressLine("restore") }));
      });
      if (!summary) return;
      emit(json, { ok: true, ...summary }, () =>
        `restored the ${summary.database} database: ${summary.rows} rows in ${summary.tables.length} tables from the backup of ${summary.backupCreatedAt} (${summary.sourceDialect} -> ${summary.targetDialect})` +
        auditLine(summary.audit, "after restore") +
        `\nre-apply the erasures recorded after ${summary.backupCreatedAt} (docs/backup.md)`,
      );
    });
}
