import type { MasterKeyRing } from "../auth/master-keys.js";
import { ConversationKeys } from "../chat/conversation-keys.js";
import { KeyVault } from "../crypto/vault/key-vault.js";
import { openStorage } from "../storage/db.js";
import type { Progress } from "./create-backup.js";
import { mainDatabase, vaultDatabase, type BackupDatabase } from "./databases.js";
import { erasureEntries, reapplyAfterMainRestore, reapplyAfterVaultRestore, requireMainHoldsData, visitorsErasedAfter, type ErasureRecord, type ErasureReplay } from "./reapply-erasures.js";
import { inspectBackup } from "./backup-reader.js";
import { restoreBackup, type RestoreSummary } from "./restore-backup.js";

export interface RestoreTargets {
  readonly databaseUrl: string;
  readonly keyVaultUrl: string;
}

export interface RestoreAndReapplyOptions {
  readonly force?: boolean;
  /** Audit entries known from elsewhere (an `audit export` kept by the SIEM): their later erasures are applied. */
  readonly auditRecords?: readonly ErasureRecord[];
  readonly onProgress?: (progress: Progress) => void;
}

export interface RestoreOutcome extends RestoreSummary {
  readonly erasures: ErasureReplay;
}

/**
 * `backup restore`: restores the file into the database it belongs to, then re-applies the
 * erasures made after the backup was taken (reapply-erasures.ts), so a restore never brings an
 * erased conversation back. A vault backup needs the main database restored first.
 */
export async function restoreAndReapply(file: string, ring: MasterKeyRing, targets: RestoreTargets, options: RestoreAndReapplyOptions = {}): Promise<RestoreOutcome> {
  const { manifest, rows } = await inspectBackup(file, ring);
  const kind = manifest.database;
  const main = openStorage(targets.databaseUrl, { poolSize: 2 });
  try {
    if (kind === "vault") {
      // An empty vault backup (a fresh installation) has no key to misjudge as orphaned.
      if (rows > 0) await requireMainHoldsData(main.db);
      const summary = await using(vaultDatabase(targets.keyVaultUrl) as BackupDatabase<unknown>, (db) => restoreBackup(db, ring, file, options));
      const erasures = await withKeys(ring, targets.keyVaultUrl, (keys) => reapplyAfterVaultRestore(main.db, keys, Date.parse(summary.backupCreatedAt)));
      return { ...summary, erasures };
    }
    // Read before --force replaces them: the erasures this database recorded after the backup.
    const replaced = options.force ? await erasureEntries(main.db) : [];
    const summary = await restoreBackup(mainDatabase(main), ring, file, options);
    const visitors = visitorsErasedAfter([...replaced, ...(options.auditRecords ?? [])], Date.parse(summary.backupCreatedAt));
    const erasures = await withKeys(ring, targets.keyVaultUrl, (keys) => reapplyAfterMainRestore(main.db, keys, visitors));
    return { ...summary, erasures };
  } finally {
    await main.close();
  }
}

async function using<T>(database: BackupDatabase<unknown>, body: (db: BackupDatabase<unknown>) => Promise<T>): Promise<T> {
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

async function withKeys<T>(ring: MasterKeyRing, vaultUrl: string, body: (keys: ConversationKeys) => Promise<T>): Promise<T> {
  const vault = await KeyVault.open(vaultUrl, { poolSize: 2 });
  try {
    return await body(await ConversationKeys.create(ring, vault));
  } finally {
    await vault.close();
  }
}
