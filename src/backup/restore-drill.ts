import { existsSync, writeFileSync } from "node:fs";
import type { MasterKeyRing } from "../auth/master-keys.js";
import { verifyAudit, type VerifyResult } from "../audit/trail.js";
import { openStorage } from "../storage/db.js";
import { latestBackup } from "./backup-store.js";
import { BackupError } from "./errors.js";
import { restoreAndReapply, type RestoreOutcome, type RestoreTargets } from "./restore-and-reapply.js";

/** What a restore drill proves, kept as evidence (ISO 27001 A.8.13): written as JSON. */
export interface DrillRecord {
  readonly kind: "airlock-restore-drill";
  readonly ok: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly store: string;
  readonly scratchDialect: string;
  readonly main: DrillStep | null;
  readonly vault: DrillStep | null;
  /** `audit verify` on the scratch main database after the restore and the erasure replay. */
  readonly audit: VerifyResult | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface DrillStep {
  readonly file: string;
  readonly backupCreatedAt: string;
  readonly keyId: string;
  readonly rows: number;
  readonly tables: number;
  readonly erasures: RestoreOutcome["erasures"];
}

export interface DrillOptions {
  /** The backup store (the directory the scheduled job writes). */
  readonly store: string;
  /** Empty scratch databases: never the production ones. */
  readonly scratch: RestoreTargets;
  readonly now?: () => number;
}

/**
 * The restore drill: restores the latest main and vault backups of the store into scratch
 * databases (with the erasure replay a real restore does), verifies the audit chain there and
 * returns the record. A failure is part of the record (`ok: false` with its code), not an exception.
 */
export async function runRestoreDrill(ring: MasterKeyRing, options: DrillOptions): Promise<DrillRecord> {
  const now = options.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  let main: DrillStep | null = null;
  let vault: DrillStep | null = null;
  let audit: VerifyResult | null = null;
  let error: DrillRecord["error"] = null;
  try {
    const latestMain = latestBackup(options.store, "main");
    const latestVault = latestBackup(options.store, "vault");
    if (!latestMain || !latestVault) throw new BackupError("backup_store_empty", `the store ${options.store} holds no ${latestMain ? "vault" : "main"} backup named airlock-<main|vault>-<time>.alb`);
    // Refusing a scratch target that holds data is restore's own rule (backup_target_not_empty).
    main = step(await restoreAndReapply(latestMain.file, ring, options.scratch));
    vault = step(await restoreAndReapply(latestVault.file, ring, options.scratch));
    const storage = openStorage(options.scratch.databaseUrl, { poolSize: 1 });
    try {
      audit = await verifyAudit(storage.db);
    } finally {
      await storage.close();
    }
    if (!audit.ok) error = { code: "backup_audit_mismatch", message: `the restored audit chain is broken at entry ${audit.brokenAt}: ${audit.reason}` };
  } catch (err) {
    error = err instanceof BackupError ? { code: err.code, message: err.message } : { code: "internal", message: err instanceof Error ? err.message : String(err) };
  }
  return { kind: "airlock-restore-drill", ok: error === null, startedAt, finishedAt: new Date(now()).toISOString(), store: options.store, scratchDialect: dialectOf(options.scratch.databaseUrl), main, vault, audit, error };
}

/** Writes the record to a new file (never over an earlier drill's record). */
export function writeDrillRecord(file: string, record: DrillRecord): void {
  if (existsSync(file)) throw new Error(`${file} already exists; drill records are never overwritten`);
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n", { mode: 0o640, flag: "wx" });
}

function step(r: RestoreOutcome): DrillStep {
  return { file: r.file, backupCreatedAt: r.backupCreatedAt, keyId: r.keyId, rows: r.rows, tables: r.tables.length, erasures: r.erasures };
}

function dialectOf(url: string): string {
  return url.startsWith("sqlite:") ? "sqlite" : "postgres";
}
