import { sql, type Kysely } from "kysely";
import type { DialectName } from "../storage/db.js";

/** A table as the backup sees it: its columns in order, its primary key and the tables it references. */
export interface CatalogTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
  readonly references: readonly string[];
}

/**
 * Every data table of the live schema (read from the database, not from our type declarations,
 * so a table added by a later migration is backed up without changes here), parents before
 * children so rows can be inserted in this order without breaking a foreign key.
 */
export async function readCatalog<DB>(db: Kysely<DB>, dialect: DialectName, skip: readonly string[]): Promise<CatalogTable[]> {
  const tables = dialect === "sqlite" ? await sqliteCatalog(db) : await postgresCatalog(db);
  return dependencyOrder(tables.filter((t) => !skip.includes(t.name)));
}

async function sqliteCatalog<DB>(db: Kysely<DB>): Promise<CatalogTable[]> {
  const names = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const tables: CatalogTable[] = [];
  for (const { name } of names.rows) {
    const columns = await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${name}) order by cid`.execute(db);
    const fks = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(db);
    tables.push({
      name,
      columns: columns.rows.map((c) => c.name),
      primaryKey: columns.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      references: fks.rows.map((f) => f.table),
    });
  }
  return tables;
}

async function postgresCatalog<DB>(db: Kysely<DB>): Promise<CatalogTable[]> {
  const names = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const columns = await sql<{ table: string; name: string }>`
    select table_name as "table", column_name as name from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
  const keys = await sql<{ table: string; name: string }>`
    select c.relname as "table", a.attname as name
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    where i.indisprimary order by c.relname, k.position`.execute(db);
  const fks = await sql<{ child: string; parent: string }>`
    select child.relname as child, parent.relname as parent
    from pg_constraint f
    join pg_class child on child.oid = f.conrelid
    join pg_class parent on parent.oid = f.confrelid
    join pg_namespace n on n.oid = f.connamespace and n.nspname = current_schema()
    where f.contype = 'f'`.execute(db);
  return names.rows.map(({ name }) => ({
    name,
    columns: columns.rows.filter((c) => c.table === name).map((c) => c.name),
    primaryKey: keys.rows.filter((k) => k.table === name).map((k) => k.name),
    references: fks.rows.filter((f) => f.child === name).map((f) => f.parent),
  }));
}

/** Parents first; ties by name, so the order is the same on both dialects. */
function dependencyOrder(tables: readonly CatalogTable[]): CatalogTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const ordered: CatalogTable[] = [];
  const visit = (table: CatalogTable, path: readonly string[]): void => {
    if (done.has(table.name)) return;
    if (path.includes(table.name)) throw new Error(`foreign keys form a cycle: ${[...path, table.name].join(" -> ")}`);
    for (const parent of [...table.references].sort()) {
      const p = byName.get(parent);
      if (p && p.name !== table.name) visit(p, [...path, table.name]);
    }
    done.add(table.name);
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table, []);
  return ordered;
}
