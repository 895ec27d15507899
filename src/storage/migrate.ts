import { Migrator, type Migration, type MigrationProvider, type MigrationResult } from "kysely/migration";
import { thrownMessage } from "../errors.js";
import type { Storage } from "./db.js";
import { migrations as shipped } from "./migrations/index.js";

export interface MigrationStatus {
  readonly name: string;
  readonly executedAt: string | null;
}

export interface MigrateOutcome {
  readonly ok: boolean;
  readonly applied: readonly string[];
  readonly failed: string | null;
  readonly error: string | null;
}

function migrator(storage: Storage, list: Readonly<Record<string, Migration>>): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...list }) };
  return new Migrator({ db: storage.db, provider, migrationTableName: "airlock_migration", migrationLockTableName: "airlock_migration_lock" });
}

/** Applies every pending migration; each runs in its own transaction, so a failure leaves no partial change. */
export async function migrateUp(storage: Storage, list: Readonly<Record<string, Migration>> = shipped): Promise<MigrateOutcome> {
  const { error, results } = await migrator(storage, list).migrateToLatest();
  return summarize(error, results);
}

export async function migrationStatus(storage: Storage, list: Readonly<Record<string, Migration>> = shipped): Promise<MigrationStatus[]> {
  const infos = await migrator(storage, list).getMigrations();
  return infos.map((m) => ({ name: m.name, executedAt: m.executedAt ? m.executedAt.toISOString() : null }));
}

export async function pendingMigrations(storage: Storage): Promise<string[]> {
  return (await migrationStatus(storage)).filter((m) => m.executedAt === null).map((m) => m.name);
}

function summarize(error: unknown, results: MigrationResult[] | undefined): MigrateOutcome {
  const applied = (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  const failed = (results ?? []).find((r) => r.status === "Error")?.migrationName ?? null;
  return {
    ok: !error,
    applied,
    failed,
    error: error ? thrownMessage(error) : null,
  };
}
