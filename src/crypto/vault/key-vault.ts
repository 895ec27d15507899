import { sql, type Kysely } from "kysely";
import { Migrator, type MigrationProvider } from "kysely/migration";
import { thrownMessage } from "../../errors.js";
import type { DialectName } from "../../storage/db.js";
import type { PostgresTlsFiles } from "../../storage/postgres-tls.js";
import { describePostgresFailure, isPostgresConnectionFailure } from "../../storage/postgres-failure.js";
import type { WrappedDataKey } from "../data-keys.js";
import { connectVault } from "./connect.js";
import { VAULT_MIGRATION_LOCK_TABLE, VAULT_MIGRATION_TABLE, vaultMigrations } from "./migrations.js";
import type { KeyVaultTables } from "./tables.js";

/**
 * The store of wrapped per-conversation data keys, in its own database (`keyVaultUrl`). Only
 * ever holds wrapped keys; unwrapping needs the master keys, which live outside both databases.
 * Shredding a key here is what makes a conversation unreadable everywhere (ADR 0004).
 */
export class KeyVault {
  private constructor(
    readonly db: Kysely<KeyVaultTables>,
    readonly dialect: DialectName,
  ) {}

  /**
   * Connects and applies the vault's pending migrations (its own list and migration table;
   * Kysely's migration lock serialises replicas that start together).
   */
  static async open(url: string, options: { poolSize?: number; tls?: PostgresTlsFiles } = {}): Promise<KeyVault> {
    const { db, dialect } = connectVault(url, options.poolSize ?? 4, options.tls);
    const provider: MigrationProvider = { getMigrations: async () => ({ ...vaultMigrations }) };
    const migrator = new Migrator({ db, provider, migrationTableName: VAULT_MIGRATION_TABLE, migrationLockTableName: VAULT_MIGRATION_LOCK_TABLE });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      if (dialect === "postgres" && isPostgresConnectionFailure(error)) throw new Error(describePostgresFailure("key vault", error), { cause: error });
      throw new Error(`key vault migration failed: ${thrownMessage(error)}`);
    }
    return new KeyVault(db, dialect);
  }

  async put(conversationId: string, key: WrappedDataKey, now: number): Promise<void> {
    await this.db
      .insertInto("vault_data_key")
      .values({ conversation_id: conversationId, master_key_id: key.masterKeyId, wrapped_key: key.wrapped, created_at: now, rewrapped_at: null })
      .execute();
  }

  async get(conversationId: string): Promise<WrappedDataKey | undefined> {
    const row = await this.db.selectFrom("vault_data_key").select(["master_key_id", "wrapped_key"]).where("conversation_id", "=", conversationId).executeTakeFirst();
    return row ? { masterKeyId: row.master_key_id, wrapped: row.wrapped_key } : undefined;
  }

  /**
   * Deletes the keys in one committed transaction and returns how many existed. On SQLite the
   * write-ahead log is then checkpointed and truncated, so the deleted pages (zeroed by
   * secure_delete) are the only copy on disk.
   */
  async shred(conversationIds: readonly string[]): Promise<number> {
    if (conversationIds.length === 0) return 0;
    let deleted = 0;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < conversationIds.length; i += 500) {
        const r = await trx.deleteFrom("vault_data_key").where("conversation_id", "in", conversationIds.slice(i, i + 500)).executeTakeFirst();
        deleted += Number(r.numDeletedRows);
      }
    });
    if (this.dialect === "sqlite") await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
    return deleted;
  }

  /** Conversation ids of keys created before `cutoff`, in id order after `after` (orphan sweeps). */
  async idsCreatedBefore(cutoff: number, after: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom("vault_data_key")
      .select("conversation_id")
      .where("created_at", "<", cutoff)
      .where("conversation_id", ">", after)
      .orderBy("conversation_id")
      .limit(limit)
      .execute();
    return rows.map((r) => r.conversation_id);
  }

  /** Data keys per master key id: what rotation still has to move. */
  async countByMasterKey(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom("vault_data_key").select((eb) => ["master_key_id", eb.fn.countAll<number>().as("n")]).groupBy("master_key_id").execute();
    return Object.fromEntries(rows.map((r) => [r.master_key_id, Number(r.n)]));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
