import path from "node:path";
import type { Command } from "commander";
import { loadMasterKeys } from "../auth/master-keys.js";
import { createBackup, type Progress } from "../backup/create-backup.js";
import { BackupError } from "../backup/errors.js";
import { restoreBackup } from "../backup/restore-backup.js";
import { openStorage, type Storage } from "../storage/db.js";
import { configOrExit } from "./load-config.js";
import { emit, ExitCode } from "./output.js";
import { airlockVersion } from "./version.js";

// Progress goes to stderr (tables done / total) so stdout stays one JSON document with --json.
function progressLine(verb: string): (p: Progress) => void {
  return (p) => process.stderr.write(`${verb}: ${p.tablesDone}/${p.tablesTotal} tables (${p.table}: ${p.rows} rows)\n`);
}

async function run<T>(json: boolean, body: (storage: Storage, ring: ReturnType<typeof loadMasterKeys>) => Promise<T>): Promise<T | undefined> {
  const config = configOrExit(json);
  const storage = openStorage(config.databaseUrl, { poolSize: 2 });
  try {
    return await body(storage, loadMasterKeys(config));
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    if (json) process.stdout.write(JSON.stringify({ ok: false, code: err.code, error: err.message }, null, 2) + "\n");
    else process.stderr.write(`airlock: ${err.code}: ${err.message}\n`);
    process.exitCode = ExitCode.failure;
    return undefined;
  } finally {
    await storage.close();
  }
}

export function registerBackupCommand(program: Command): void {
  const backup = program.command("backup").description("encrypted backups of the whole database, and their restore");

  backup
    .command("create")
    .description("write a consistent, encrypted snapshot of every table to a new file (mode 0600), under a key derived from the current master key")
    .requiredOption("--out <file>", "the backup file to create (must not exist)")
    .option("--json", "print JSON")
    .action(async (opts: { out: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      const out = path.resolve(opts.out);
      const summary = await run(json, (storage, ring) => createBackup(storage, ring, out, { airlockVersion: airlockVersion(), onProgress: progressLine("backup") }));
      if (!summary) return;
      emit(json, { ok: true, ...summary }, () =>
        `backup written to ${summary.file}: ${summary.tables.length} tables, ${summary.rows} rows, master key ${summary.keyId}\n` +
        (summary.audit.ok ? `audit chain intact at the snapshot (head #${summary.audit.headSeq})` : `WARNING: the audit chain was already broken at entry ${summary.audit.brokenAt} when the snapshot was taken`),
      );
      if (!summary.audit.ok) process.stderr.write(`airlock: the audit chain is broken at entry ${summary.audit.brokenAt}: ${summary.audit.reason}\n`);
    });

  backup
    .command("restore")
    .description("check a backup file end to end, then load it into the configured database and verify the audit chain; refuses a database that holds data unless --force")
    .requiredOption("--in <file>", "the backup file to restore")
    .option("--force", "replace the rows of a database that already holds data")
    .option("--json", "print JSON")
    .action(async (opts: { in: string; force?: boolean; json?: boolean }) => {
      const json = Boolean(opts.json);
      const summary = await run(json, (storage, ring) => restoreBackup(storage, ring, path.resolve(opts.in), { force: Boolean(opts.force), onProgress: progressLine("restore") }));
      if (!summary) return;
      emit(json, { ok: true, ...summary }, () =>
        `restored ${summary.rows} rows into ${summary.tables.length} tables from the backup of ${summary.backupCreatedAt} (${summary.sourceDialect} -> ${summary.targetDialect})\n` +
        (summary.audit.ok
          ? `audit chain verified: ${summary.audit.entries} entries, head #${summary.audit.headSeq} ${summary.audit.headHash}`
          : `audit chain broken at entry ${summary.audit.brokenAt}, exactly as it was when the backup was taken: ${summary.audit.reason}`) +
        `\nre-apply erasures recorded after ${summary.backupCreatedAt} (see docs/backup.md)`,
      );
    });
}
