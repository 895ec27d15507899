import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { DatabaseKind } from "./databases.js";

// The backup store is a directory (a volume the operator provides, in the EU). The scheduled job
// names its files `airlock-<main|vault>-<UTC time>.alb`; expiry and "latest" read that name, and
// files named otherwise are never touched.

const NAME = /^airlock-(main|vault)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.alb$/;

export interface StoredBackup {
  readonly file: string;
  readonly database: DatabaseKind;
  /** Epoch ms, from the name. */
  readonly takenAt: number;
}

export function backupFileName(database: DatabaseKind, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `airlock-${database}-${stamp}.alb`;
}

/** The store's backups, oldest first. */
export function listBackups(dir: string): StoredBackup[] {
  const out: StoredBackup[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    const [, database, y, mo, d, h, mi, s] = m;
    const takenAt = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (Number.isNaN(takenAt)) continue;
    out.push({ file: path.join(dir, name), database: database as DatabaseKind, takenAt });
  }
  return out.sort((a, b) => a.takenAt - b.takenAt);
}

export function latestBackup(dir: string, database: DatabaseKind): StoredBackup | undefined {
  return listBackups(dir)
    .filter((b) => b.database === database)
    .at(-1);
}

export interface RetentionDays {
  /** Vault backups are deleted after this many days (the runbook: 7), so erasures reach them. */
  readonly vault: number;
  /** Main backups: the operator's records policy; 0 keeps them. */
  readonly main: number;
}

/**
 * Deletes the backups older than their retention, strictly: a vault backup kept longer would
 * keep erased conversations readable (docs/backup.md). The job backs up before it expires.
 */
export function expireBackups(dir: string, days: RetentionDays, now: number): string[] {
  const all = listBackups(dir);
  const removed: string[] = [];
  for (const database of ["main", "vault"] as const) {
    const limit = days[database];
    if (limit <= 0) continue;
    for (const b of all.filter((x) => x.database === database)) {
      if (now - b.takenAt > limit * 86_400_000) {
        rmSync(b.file, { force: true });
        removed.push(b.file);
      }
    }
  }
  return removed;
}
