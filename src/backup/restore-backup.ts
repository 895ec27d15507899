import { sql, type Transaction } from "kysely";
import type { MasterKeyRing } from "../auth/master-keys.js";
import type { VerifyResult } from "../audit/trail.js";
import type { DialectName } from "../storage/db.js";
import { inspectBackup, readBackup, type RowBatch } from "./backup-reader.js";
import type { Progress } from "./create-backup.js";
import type { BackupDatabase, DatabaseKind } from "./databases.js";
import { BackupError } from "./errors.js";
import { decodeCell, type CellValue, type Manifest } from "./records.js";
import { readCatalog, type CatalogTable } from "./table-catalog.js";
import { migrateTargetTo, migrateTargetToLatest } from "./target-schema.js";

export interface RestoreOptions {
  /** Replace the rows of a target that already holds data. */
  readonly force?: boolean;
  readonly onProgress?: (progress: Progress) => void;
}

export interface RestoreSummary {
  readonly database: DatabaseKind;
  readonly file: string;
  readonly keyId: string;
  readonly backupCreatedAt: string;
  readonly sourceDialect: string;
  readonly targetDialect: string;
  readonly tables: readonly { readonly name: string; readonly rows: number }[];
  readonly rows: number;
  /** True when --force replaced existing rows. */
  readonly replaced: boolean;
  /** Migrations applied after the rows were loaded (the backup came from an older Airlock). */
  readonly migratedAfter: readonly string[];
  /** The audit chain after the restore (main database only). */
  readonly audit: VerifyResult | null;
}

// Inserts stay well below both dialects' limits on bound parameters per statement.
const MAX_PARAMETERS = 30_000;

/** Which database a backup file holds (after authenticating all of it). */
export async function backupKind(file: string, ring: MasterKeyRing): Promise<DatabaseKind> {
  return (await inspectBackup(file, ring)).manifest.database;
}

/**
 * Restores a backup into `target`:
 * 1. reads the whole file once and authenticates every chunk before anything changes;
 * 2. brings the target's schema to the backup's migration level;
 * 3. refuses a target that holds data unless `force`;
 * 4. in one transaction, empties every table and loads the rows; for the main database it then
 *    verifies the audit chain and requires exactly the state recorded at backup time (else the
 *    transaction rolls back and nothing is restored);
 * 5. applies this Airlock's newer migrations, if any.
 */
export async function restoreBackup<DB>(target: BackupDatabase<DB>, ring: MasterKeyRing, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const { header, manifest, rows } = await inspectBackup(file, ring);
  if (manifest.database !== target.kind) {
    throw new BackupError("backup_target_schema", `the file is a backup of the ${manifest.database} database, not of the ${target.kind} database`);
  }
  await migrateTargetTo(target, manifest.migrations);
  const catalog = await readCatalog(target.db, target.dialect, [target.migrationTable, target.migrationLockTable]);
  checkSameTables(catalog, manifest);
  const occupied = await tablesWithData(target, catalog);
  if (occupied.length > 0 && !options.force) {
    throw new BackupError("backup_target_not_empty", `the target ${target.kind} database already holds data (${occupied.join(", ")}); restore into an empty database, or pass --force to replace it`);
  }

  const counts: { name: string; rows: number }[] = [];
  const audit = await target.db.transaction().execute(async (trx) => {
    for (const table of [...catalog].reverse()) await sql`delete from ${sql.table(table.name)}`.execute(trx);
    await readBackup(file, ring, (batch) => insertBatch(trx, target.dialect, batch), {
      onTableEnd(name, tableRows) {
        counts.push({ name, rows: tableRows });
        options.onProgress?.({ tablesDone: counts.length, tablesTotal: manifest.tables.length, table: name, rows: tableRows });
      },
    });
    const result = target.audit ? await target.audit(trx) : null;
    if (!sameAuditState(result, manifest.audit)) {
      throw new BackupError("backup_audit_mismatch", `after loading, the audit chain reads ${describe(result)}, but the backup recorded ${describe(manifest.audit)}; nothing was restored`);
    }
    return result;
  });
  const migratedAfter = await migrateTargetToLatest(target);
  return {
    database: target.kind,
    file,
    keyId: header.keyId,
    backupCreatedAt: header.createdAt,
    sourceDialect: manifest.sourceDialect,
    targetDialect: target.dialect,
    tables: counts,
    rows,
    replaced: occupied.length > 0,
    migratedAfter,
    audit,
  };
}

function checkSameTables(catalog: readonly CatalogTable[], manifest: Manifest): void {
  const target = new Map(catalog.map((t) => [t.name, [...t.columns].sort().join(",")]));
  for (const table of manifest.tables) {
    if (target.get(table.name) !== [...table.columns].sort().join(",")) {
      throw new BackupError("backup_target_schema", `table ${table.name} of the backup does not match the target's table of that name`);
    }
  }
  const extra = catalog.filter((t) => !manifest.tables.some((m) => m.name === t.name));
  if (extra.length > 0) throw new BackupError("backup_target_schema", `the target has tables the backup does not know: ${extra.map((t) => t.name).join(", ")}`);
}

/** Tables with rows, ignoring the audit chain head a fresh migration creates (sequence 0, genesis). */
async function tablesWithData<DB>(target: BackupDatabase<DB>, catalog: readonly CatalogTable[]): Promise<string[]> {
  const occupied: string[] = [];
  for (const table of catalog) {
    const filter = table.name === "audit_head" ? sql`where seq <> 0` : sql``;
    const found = await sql<{ one: number }>`select 1 as one from ${sql.table(table.name)} ${filter} limit 1`.execute(target.db);
    if (found.rows.length > 0) occupied.push(table.name);
  }
  return occupied;
}

async function insertBatch<DB>(trx: Transaction<DB>, dialect: DialectName, batch: RowBatch): Promise<void> {
  const columns = sql.join(batch.columns.map((c) => sql.ref(c)));
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / batch.columns.length));
  for (let i = 0; i < batch.rows.length; i += perStatement) {
    const values = batch.rows.slice(i, i + perStatement).map((row) =>
      sql`(${sql.join(row.map((cell, c) => sql`${bindable(decodeCell(cell, `${batch.table}.${batch.columns[c] ?? "?"}`), dialect)}`))})`,
    );
    await sql`insert into ${sql.table(batch.table)} (${columns}) values ${sql.join(values)}`.execute(trx);
  }
}

// better-sqlite3 binds neither booleans nor dates.
function bindable(value: CellValue, dialect: DialectName): CellValue {
  if (dialect !== "sqlite") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function sameAuditState(a: VerifyResult | null, b: Manifest["audit"]): boolean {
  if (a === null || b === null) return a === b;
  if (a.ok && b.ok) return a.entries === b.entries && a.headSeq === b.headSeq && a.headHash === b.headHash;
  if (!a.ok && !b.ok) return a.entries === b.entries && a.brokenAt === b.brokenAt;
  return false;
}

function describe(r: Manifest["audit"]): string {
  if (r === null) return "absent";
  return r.ok ? `intact (${r.entries} entries, head #${r.headSeq})` : `broken at entry ${r.brokenAt}`;
}
