import type { Kysely } from "kysely";
import { recordAudit } from "../audit/trail.js";
import type { Database } from "../storage/schema.js";
import type { DatabaseKind } from "./databases.js";

// A finished backup is recorded as an audit entry in the main database (`backup.create`, target
// `database:main` or `database:vault`): hash-chained like every other entry, and readable by the
// server (the metric) and by `airlock compliance check` (backup age) without any file of its own.

export const BACKUP_ACTION = "backup.create";

export async function recordBackupSuccess(db: Kysely<Database>, database: DatabaseKind, keyId: string, at: number): Promise<void> {
  await recordAudit(db, { actor: "cli", action: BACKUP_ACTION, target: `database:${database}`, rule: `key:${keyId}`, decision: "success", at });
}

export type LastBackups = Partial<Record<DatabaseKind, number>>;

/**
 * When each database was last backed up successfully (epoch ms), from the audit trail. `since`
 * bounds the scan through the index on `at` (the metric looks back a few days only).
 */
export async function lastBackupSuccess(db: Kysely<Database>, since = 0): Promise<LastBackups> {
  const rows = await db
    .selectFrom("audit_log")
    .select(["target", (eb) => eb.fn.max("at").as("at")])
    .where("at", ">=", since)
    .where("action", "=", BACKUP_ACTION)
    .where("decision", "=", "success")
    .groupBy("target")
    .execute();
  const out: LastBackups = {};
  for (const r of rows) {
    if (r.target === "database:main") out.main = Number(r.at);
    if (r.target === "database:vault") out.vault = Number(r.at);
  }
  return out;
}
