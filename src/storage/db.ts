import { mkdirSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { withStatementCache } from "./sqlite-statement-cache.js";
import { pgSslOption, postgresTransport, type PostgresTlsFiles } from "./postgres-tls.js";

export type DialectName = "sqlite" | "postgres";

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

// BIGINT (int8) comes back from pg as a string by default; our epoch-ms values fit in a double.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 && format !== "binary") return (v: string) => Number(v);
    // pg-types declares its parsers as returning `any`; they take the column text.
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/** SQLite does run DDL inside transactions; telling Kysely so makes a failed migration roll back. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class AirlockSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface StorageOptions {
  readonly poolSize?: number;
  /** TLS files for PostgreSQL (the config's databaseTls* settings); the URL's sslmode applies. */
  readonly tls?: PostgresTlsFiles;
}

export function openStorage(databaseUrl: string, options: StorageOptions = {}): Storage {
  const dialect = dialectOfUrl(databaseUrl);
  if (!dialect) throw new Error("databaseUrl must start with sqlite: or postgres://");
  const db =
    dialect === "sqlite"
      ? openSqliteKysely<Database>(databaseUrl.slice("sqlite:".length), ["foreign_keys = ON", "synchronous = NORMAL"])
      : openPostgresKysely<Database>(databaseUrl, { max: options.poolSize ?? 10, applicationName: "airlock", tls: options.tls ?? {} });
  return { db, dialect, close: () => db.destroy() };
}

/** The dialect a database URL names (`sqlite:FILE` or `postgres://…`), undefined for any other. */
export function dialectOfUrl(url: string): DialectName | undefined {
  if (url.startsWith("sqlite:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  return undefined;
}

/**
 * A Kysely instance over a SQLite file (its directory created): WAL, a 5 s busy timeout, then
 * `pragmas`. Shared by the main database and the key vault, which need different durability.
 */
export function openSqliteKysely<DB>(file: string, pragmas: readonly string[]): Kysely<DB> {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  for (const pragma of pragmas) database.pragma(pragma);
  return new Kysely<DB>({ dialect: new AirlockSqliteDialect({ database: withStatementCache(database) }) });
}

/**
 * A Kysely instance over its own PostgreSQL pool; `applicationName` tells the pools apart in
 * pg_stat_activity. TLS follows the URL's sslmode and the TLS files (storage/postgres-tls.ts);
 * `ssl` is always explicit, so PGSSLMODE and the like in the environment play no part.
 */
export function openPostgresKysely<DB>(url: string, options: { max: number; applicationName: string; tls: PostgresTlsFiles }): Kysely<DB> {
  const transport = postgresTransport(url, options.tls);
  if (!transport.ok) throw new Error(`PostgreSQL URL: ${transport.message}`);
  const ssl = pgSslOption(transport, options.tls);
  const pool = new pg.Pool({ connectionString: transport.connectionString, ssl, max: options.max, types: pgTypes, application_name: options.applicationName });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  // Nor a client that is checked out (inside a transaction, between its statements) when the
  // server goes away (a restart, a failover): pg emits 'error' on it with no listener of the
  // pool's attached. Its next query fails instead, the transaction is reported failed, and the
  // pool drops the broken client when it is released.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Cheap round trip used by /readyz. */
export async function ping(storage: Storage): Promise<void> {
  await sql`select 1`.execute(storage.db);
}
