import type { Migration } from "kysely/migration";
import type { Storage } from "../storage/db.js";
import { migrateUp, migrationStatus } from "../storage/migrate.js";
import { migrations as shipped } from "../storage/migrations/index.js";
import { BackupError } from "./errors.js";

/**
 * Brings the target's schema to exactly the backup's migration level, so the rows fit the tables
 * they came from. A backup from a newer Airlock, or a target already ahead of the backup, is
 * refused: restore never guesses how to move data between schema versions backwards.
 */
export async function migrateTargetTo(storage: Storage, backupMigrations: readonly string[]): Promise<void> {
  const known = Object.keys(shipped);
  const unknown = backupMigrations.find((name, i) => known[i] !== name);
  if (unknown !== undefined) {
    throw new BackupError("backup_schema_newer", `the backup's schema includes migration ${unknown}, which this Airlock does not know: restore with the Airlock version that made it (or newer)`);
  }
  const applied = (await migrationStatus(storage)).filter((m) => m.executedAt !== null).map((m) => m.name);
  if (applied.length > backupMigrations.length || applied.some((name, i) => backupMigrations[i] !== name)) {
    throw new BackupError(
      "backup_target_schema",
      `the target database is at migration ${applied[applied.length - 1] ?? "(none)"}, ahead of the backup (${backupMigrations[backupMigrations.length - 1] ?? "(none)"}): restore into a new, empty database`,
    );
  }
  const upTo: Record<string, Migration> = {};
  for (const name of backupMigrations) upTo[name] = shipped[name] as Migration;
  const outcome = await migrateUp(storage, upTo);
  if (!outcome.ok) throw new Error(`migrating the target failed at ${outcome.failed ?? "?"}: ${outcome.error ?? "unknown error"}`);
}

/** After the rows are in: the migrations this Airlock has beyond the backup's level. */
export async function migrateTargetToLatest(storage: Storage): Promise<readonly string[]> {
  const outcome = await migrateUp(storage);
  if (!outcome.ok) throw new Error(`migrating the restored database failed at ${outcome.failed ?? "?"}: ${outcome.error ?? "unknown error"}`);
  return outcome.applied;
}
