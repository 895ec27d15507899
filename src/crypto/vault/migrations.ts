import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** The vault's own migration bookkeeping tables (backup and restore use them too). */
export const VAULT_MIGRATION_TABLE = "airlock_vault_migration";
export const VAULT_MIGRATION_LOCK_TABLE = "airlock_vault_migration_lock";

// The vault's migrations, separate from the main database's list and recorded in the vault's
// own migration table. Names sort in the order they run; never edited after they ship.
export const vaultMigrations: Readonly<Record<string, Migration>> = {
  "0001_vault_data_key": {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("vault_data_key")
        .addColumn("conversation_id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("master_key_id", "varchar(64)", (c) => c.notNull())
        .addColumn("wrapped_key", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("rewrapped_at", "bigint")
        .execute();
      await db.schema.createIndex("vault_data_key_master_idx").on("vault_data_key").column("master_key_id").execute();
      await db.schema.createIndex("vault_data_key_created_idx").on("vault_data_key").column("created_at").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("vault_data_key").execute();
    },
  },
};
