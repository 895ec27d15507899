import path from "node:path";
import type { MasterKeyRing } from "../auth/master-keys.js";
import { openStorage } from "../storage/db.js";
import { recordBackupSuccess } from "./backup-record.js";
import { backupFileName, expireBackups, type RetentionDays } from "./backup-store.js";
import { createBackup, type BackupSummary, type Progress } from "./create-backup.js";
import { mainDatabase, vaultDatabase, type BackupDatabase } from "./databases.js";

export interface ScheduledBackupOptions {
  readonly dir: string;
  readonly databaseUrl: string;
  readonly keyVaultUrl: string;
  readonly retention: RetentionDays;
  readonly airlockVersion: string;
  readonly now?: () => number;
  readonly onProgress?: (progress: Progress) => void;
}

export interface ScheduledBackupOutcome {
  readonly main: BackupSummary;
  readonly vault: BackupSummary;
  readonly expired: readonly string[];
}

/**
 * `backup run`, what the daily CronJob does: a main and a vault backup into the store, each
 * recorded in the audit trail once its file is complete (the metric and `compliance check` read
 * that record), then the expired backups deleted. Any failure stops the run before expiry.
 */
export async function runScheduledBackup(ring: MasterKeyRing, options: ScheduledBackupOptions): Promise<ScheduledBackupOutcome> {
  const now = options.now ?? Date.now;
  const storage = openStorage(options.databaseUrl, { poolSize: 2 });
  try {
    const common = { airlockVersion: options.airlockVersion, now, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
    const main = await createBackup(mainDatabase(storage), ring, path.join(options.dir, backupFileName("main", now())), common);
    await recordBackupSuccess(storage.db, "main", main.keyId, now());
    const vaultDb = vaultDatabase(options.keyVaultUrl) as BackupDatabase<unknown>;
    const vault = await createBackup(vaultDb, ring, path.join(options.dir, backupFileName("vault", now())), common).finally(() => vaultDb.close());
    await recordBackupSuccess(storage.db, "vault", vault.keyId, now());
    const expired = expireBackups(options.dir, options.retention, now());
    return { main, vault, expired };
  } finally {
    await storage.close();
  }
}
