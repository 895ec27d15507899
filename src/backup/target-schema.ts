import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";
import { thrownMessage } from "../errors.js";
import type { BackupDatabase } from "./databases.js";
import { BackupError } from "./errors.js";

/**
 * Brings the target's schema to exactly the backup's migration level, so the rows fit the tables
 * they came from. A backup from a newer Airlock, or a target already ahead of the backup, is
 * refused: restore never guesses how to move data between schema versions backwards.
 */
export async function migrateTargetTo<DB>(target: BackupDatabase<DB>, backupMigrations: readonly string[]): Promise<void> {
  const known = Object.keys(target.migrations);
  const unknown = backupMigrations.find((name, i) => known[i] !== name);
  if (unknown !== undefined) {
    throw new BackupError("backup_schema_newer", `the backup's schema includes migration ${unknown}, which this Airlock does not know: restore with the Airlock version that made it (or newer)`);
  }
  const applied = (await migrator(target, target.migrations).getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
  if (applied.length > backupMigrations.length || applied.some((name, i) => backupMigrations[i] !== name)) {
    throw new BackupError(
      "backup_target_schema",
      `the target ${target.kind} database is at migration ${applied[applied.length - 1] ?? "(none)"}, ahead of the backup (${backupMigrations[backupMigrations.length - 1] ?? "(none)"}): restore into a new, empty database`,
    );
  }
  const upTo: Record<string, Migration> = {};
  for (const name of backupMigrations) upTo[name] = target.migrations[name] as Migration;
  await run(migrator(target, upTo));
}

/** After the rows are in: applies the migrations this Airlock has beyond the backup's level. */
export async function migrateTargetToLatest<DB>(target: BackupDatabase<DB>): Promise<readonly string[]> {
  return run(migrator(target, target.migrations));
}

function migrator<DB>(target: BackupDatabase<DB>, list: Readonly<Record<string, Migration>>): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...list }) };
  return new Migrator({ db: target.db, provider, migrationTableName: target.migrationTable, migrationLockTableName: target.migrationLockTable });
}

async function run(m: Migrator): Promise<readonly string[]> {
  const { error, results } = await m.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`migrating the target failed at ${failed}: ${thrownMessage(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
