import { sql, type Transaction } from "kysely";
import type { VerifyResult } from "../audit/trail.js";
import type { BackupDatabase } from "./databases.js";
import { BackupError } from "./errors.js";
import { readCatalog, type CatalogTable } from "./table-catalog.js";

const PAGE_ROWS = 500;

export interface Snapshot {
  readonly migrations: readonly string[];
  readonly tables: readonly CatalogTable[];
  readonly audit: VerifyResult | null;
  /** Every row of one table in primary-key order, a page at a time. */
  rows(table: CatalogTable): AsyncGenerator<unknown[][]>;
}

/**
 * Runs `body` inside one read transaction that sees a single point in time: REPEATABLE READ on
 * PostgreSQL, a read transaction on SQLite (WAL readers keep the snapshot of their first read).
 * Writers keep going meanwhile; the backup holds no lock that stops them.
 */
export async function withSnapshot<DB, T>(source: BackupDatabase<DB>, body: (snapshot: Snapshot) => Promise<T>): Promise<T> {
  const builder = source.dialect === "postgres" ? source.db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only") : source.db.transaction();
  return builder.execute(async (trx) => {
    const tables = await readCatalog(trx, source.dialect, [source.migrationTable, source.migrationLockTable]);
    const hasSchema = (await readCatalog(trx, source.dialect, [])).some((t) => t.name === source.migrationTable);
    if (!hasSchema) throw new BackupError("backup_source_schema", `the ${source.kind} database has no Airlock schema yet (run "airlock migrate up", or start Airlock once): nothing to back up`);
    const migrations = await sql<{ name: string }>`select name from ${sql.table(source.migrationTable)} order by name`.execute(trx);
    const audit = source.audit ? await source.audit(trx) : null;
    return body({ migrations: migrations.rows.map((m) => m.name), tables, audit, rows: (table) => pages(trx, table) });
  });
}

async function* pages<DB>(trx: Transaction<DB>, table: CatalogTable): AsyncGenerator<unknown[][]> {
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  if (table.primaryKey.length === 0) {
    // No key to page by: read the table in one go (no Airlock table lacks a primary key today).
    const all = await sql<Record<string, unknown>>`select ${columns} from ${sql.table(table.name)}`.execute(trx);
    if (all.rows.length > 0) yield all.rows.map((r) => table.columns.map((c) => r[c]));
    return;
  }
  const key = sql.join(table.primaryKey.map((c) => sql.ref(c)));
  let after: unknown[] | undefined;
  for (;;) {
    const where = after ? sql`where (${key}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
    const page = await sql<Record<string, unknown>>`select ${columns} from ${sql.table(table.name)} ${where} order by ${key} limit ${PAGE_ROWS}`.execute(trx);
    if (page.rows.length === 0) return;
    yield page.rows.map((r) => table.columns.map((c) => r[c]));
    const last = page.rows[page.rows.length - 1] as Record<string, unknown>;
    after = table.primaryKey.map((c) => last[c]);
    if (page.rows.length < PAGE_ROWS) return;
  }
}
