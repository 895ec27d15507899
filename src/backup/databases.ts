import type { Kysely, Transaction } from "kysely";
import type { Migration } from "kysely/migration";
import { verifyAudit, type VerifyResult } from "../audit/trail.js";
import { connectVault } from "../crypto/vault/connect.js";
import type { PostgresTlsFiles } from "../storage/postgres-tls.js";
import { vaultMigrations } from "../crypto/vault/migrations.js";
import type { KeyVaultTables } from "../crypto/vault/tables.js";
import type { DialectName, Storage } from "../storage/db.js";
import { migrations as shipped } from "../storage/migrations/index.js";
import type { Database } from "../storage/schema.js";

/**
 * The two databases Airlock keeps, backed up into separate files on purpose: the main database
 * and the key vault of wrapped chat data keys. A main-database backup holds no data key, so
 * shredding a key in the live vault makes that conversation unreadable in every such backup too.
 */
export type DatabaseKind = "main" | "vault";

export interface BackupDatabase<DB> {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /** The migrator's bookkeeping tables: not data, recorded as the list of applied migrations. */
  readonly migrationTable: string;
  readonly migrationLockTable: string;
  /** Every migration this Airlock knows for this database, in order. */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** The audit chain's state, for the database that holds it. */
  readonly audit?: (trx: Transaction<DB>) => Promise<VerifyResult>;
  close(): Promise<void>;
}

export function mainDatabase(storage: Storage): BackupDatabase<Database> {
  return {
    kind: "main",
    db: storage.db,
    dialect: storage.dialect,
    migrationTable: "airlock_migration",
    migrationLockTable: "airlock_migration_lock",
    migrations: shipped,
    audit: (trx) => verifyAudit(trx),
    close: () => storage.close(),
  };
}

// The vault's migration table names are those KeyVault.open gives its migrator.
export function vaultDatabase(url: string, tls: PostgresTlsFiles = {}): BackupDatabase<KeyVaultTables> {
  const { db, dialect } = connectVault(url, 2, tls);
  return {
    kind: "vault",
    db,
    dialect,
    migrationTable: "airlock_vault_migration",
    migrationLockTable: "airlock_vault_migration_lock",
    migrations: vaultMigrations,
    close: () => db.destroy(),
  };
}
