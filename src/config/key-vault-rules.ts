import path from "node:path";
import type { ConfigIssue } from "./errors.js";
import { envName, type Config } from "./schema.js";

const POSTGRES = /^postgres(ql)?:\/\//;

/**
 * The chat key vault must live apart from the main database: erasure deletes a data key from
 * the vault, and a copy of the main database is then undecryptable only if the vault is not
 * inside it. With PostgreSQL (several replicas) the vault must be shared, so PostgreSQL too.
 */
export function keyVaultIssues(c: Config, source: Record<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (message: string) => issues.push({ field: "keyVaultUrl", source: source.keyVaultUrl ?? envName("keyVaultUrl"), message });
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(c.keyVaultUrl)) {
    at("must start with sqlite: or postgres://");
    return issues;
  }
  if (POSTGRES.test(c.databaseUrl) && source.keyVaultUrl && !POSTGRES.test(c.keyVaultUrl)) {
    at("must be a PostgreSQL database when databaseUrl is PostgreSQL (every replica needs the same vault)");
  }
  if (sameDatabase(c.databaseUrl, c.keyVaultUrl)) {
    at("must not be the main database (a copy of the main database would then hold the keys to its own transcripts)");
  }
  return issues;
}

/** Compares where two database URLs point: file path, or server, port and database name. */
export function sameDatabase(a: string, b: string): boolean {
  const ka = databaseIdentity(a);
  return ka !== undefined && ka === databaseIdentity(b);
}

function databaseIdentity(url: string): string | undefined {
  if (url.startsWith("sqlite:")) return `sqlite:${path.resolve(url.slice("sqlite:".length))}`;
  if (!POSTGRES.test(url)) return undefined;
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username);
    return `postgres:${u.hostname.toLowerCase()}:${u.port || "5432"}/${database}`;
  } catch {
    return undefined;
  }
}
