import { mkdirSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, type DialectAdapter } from "kysely";
import pg from "pg";
import type { DialectName } from "../../storage/db.js";
import type { KeyVaultTables } from "./tables.js";

export interface VaultConnection {
  readonly db: Kysely<KeyVaultTables>;
  readonly dialect: DialectName;
}

// int8 columns (epoch ms) come back from pg as strings by default; they fit in a double.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 && format !== "binary") return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

// SQLite runs DDL inside transactions; saying so makes a failed vault migration roll back.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class VaultSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Opens the vault's own connection (never shared with the main database's pool). */
export function connectVault(url: string, poolSize: number): VaultConnection {
  if (url.startsWith("sqlite:")) {
    const file = url.slice("sqlite:".length);
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const database = new BetterSqlite3(file);
    database.pragma("journal_mode = WAL");
    database.pragma("busy_timeout = 5000");
    // FULL: a shredded key must stay shredded after a power loss, not come back from the WAL.
    database.pragma("synchronous = FULL");
    // Deleted keys are overwritten with zeros in the file instead of lingering in free pages.
    database.pragma("secure_delete = ON");
    return { db: new Kysely<KeyVaultTables>({ dialect: new VaultSqliteDialect({ database }) }), dialect: "sqlite" };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes, application_name: "airlock-keyvault" });
    pool.on("error", () => undefined);
    return { db: new Kysely<KeyVaultTables>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres" };
  }
  throw new Error("keyVaultUrl must start with sqlite: or postgres://");
}
