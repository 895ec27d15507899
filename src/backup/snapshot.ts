import { sql, type Kysely, type Transaction } from "kysely";
import { verifyAudit, type VerifyResult } from "../audit/trail.js";
import type { DialectName } from "../storage/db.js";
import type { Database } from "../storage/schema.js";
import { readCatalog, type CatalogTable } from "./table-catalog.js";

const PAGE_ROWS = 500;

export interface Snapshot {
  readonly migrations: readonly string[];
  readonly tables: readonly CatalogTable[];
  readonly audit: VerifyResult;
  /** Every row of one table in primary-key order, a page at a time. */
  rows(table: CatalogTable): AsyncGenerator<unknown[][]>;
}

/**
 * Runs `body` inside one read transaction that sees a single point in time: REPEATABLE READ on
 * PostgreSQL, a read transaction on SQLite (WAL readers keep the snapshot of their first read).
 * Writers keep going meanwhile; the backup holds no lock that stops them.
 */
export async function withSnapshot<T>(db: Kysely<Database>, dialect: DialectName, body: (snapshot: Snapshot) => Promise<T>): Promise<T> {
  const builder = dialect === "postgres" ? db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only") : db.transaction();
  return builder.execute(async (trx) => {
    const migrations = await sql<{ name: string }>`select name from airlock_migration order by name`.execute(trx);
    const tables = await readCatalog(trx, dialect);
    const audit = await verifyAudit(trx);
    return body({ migrations: migrations.rows.map((m) => m.name), tables, audit, rows: (table) => pages(trx, table) });
  });
}

async function* pages(trx: Transaction<Database>, table: CatalogTable): AsyncGenerator<unknown[][]> {
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
