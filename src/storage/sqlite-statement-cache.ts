import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Distinct SQL texts kept prepared; the oldest is dropped beyond this. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The database Kysely's SQLite driver talks to, with prepared statements reused. The driver
 * prepares every query afresh, and compiling the SQL costs about as much as running a small
 * insert; Airlock's queries come from a few hundred builders, so their texts repeat. A statement
 * that is still being iterated (a streamed query) is never handed out twice: better-sqlite3
 * marks it `busy`, and a fresh one is prepared instead.
 */
export function withStatementCache(database: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Map order is insertion order: re-inserting makes it the most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}
