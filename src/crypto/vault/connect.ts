import type { Kysely } from "kysely";
import { dialectOfUrl, openPostgresKysely, openSqliteKysely, type DialectName } from "../../storage/db.js";
import type { PostgresTlsFiles } from "../../storage/postgres-tls.js";
import type { KeyVaultTables } from "./tables.js";

export interface VaultConnection {
  readonly db: Kysely<KeyVaultTables>;
  readonly dialect: DialectName;
}

const SQLITE_VAULT_PRAGMAS = [
  // FULL: a shredded key must stay shredded after a power loss, not come back from the WAL.
  "synchronous = FULL",
  // Deleted keys are overwritten with zeros in the file instead of lingering in free pages.
  "secure_delete = ON",
];

/** Opens the vault's own connection (never shared with the main database's pool). */
export function connectVault(url: string, poolSize: number, tls: PostgresTlsFiles = {}): VaultConnection {
  const dialect = dialectOfUrl(url);
  if (!dialect) throw new Error("keyVaultUrl must start with sqlite: or postgres://");
  const db =
    dialect === "sqlite"
      ? openSqliteKysely<KeyVaultTables>(url.slice("sqlite:".length), SQLITE_VAULT_PRAGMAS)
      : openPostgresKysely<KeyVaultTables>(url, { max: poolSize, applicationName: "airlock-keyvault", tls });
  return { db, dialect };
}
