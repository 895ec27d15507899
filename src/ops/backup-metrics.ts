import type { Kysely } from "kysely";
import { Gauge, type Registry } from "prom-client";
import { lastBackupSuccess, type LastBackups } from "../backup/backup-record.js";
import type { Database } from "../storage/schema.js";

/** How far back a scrape looks for a backup: past it the series is absent, which alerts too. */
export const BACKUP_LOOKBACK_MS = 7 * 24 * 3_600_000;
// Scrapes come every 15–60 s; a backup runs once a day: one indexed query a minute is enough.
const CACHE_MS = 60_000;

/**
 * `airlock_backup_last_success_timestamp_seconds{database="main"|"vault"}`: when the backup job
 * last finished a backup, read from its audit entry in the main database at scrape time. The
 * CronJob runs in its own pod; the database is what it shares with the server.
 */
export function registerBackupMetric(registry: Registry, db: Kysely<Database>, now: () => number = Date.now): Gauge<"database"> {
  let cached: { at: number; value: LastBackups } | undefined;
  return new Gauge({
    name: "airlock_backup_last_success_timestamp_seconds",
    help: "When the last successful backup of each database (main, vault) finished (Unix seconds); absent when none in the last 7 days",
    labelNames: ["database"],
    registers: [registry],
    async collect() {
      const t = now();
      if (!cached || t - cached.at >= CACHE_MS) {
        // A database error must not fail the whole scrape: the series keeps its last known value.
        const value = await lastBackupSuccess(db, t - BACKUP_LOOKBACK_MS).catch(() => cached?.value);
        if (value) cached = { at: t, value };
      }
      if (!cached) return;
      this.reset();
      for (const [database, at] of Object.entries(cached.value)) this.set({ database }, Math.floor(at / 1000));
    },
  });
}
