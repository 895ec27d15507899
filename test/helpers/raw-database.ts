import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// What someone holding a copy of a database sees: the bytes of a SQLite file, or what the
// PostgreSQL client tools dump. Tests that prove data is encrypted at rest look here.

/** The newest installed PostgreSQL client tool of that name; throws when PostgreSQL is not installed. */
export function postgresTool(name: "pg_dump" | "psql"): string {
  const root = "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    // no PostgreSQL installed: reported below
  }
  const newest = versions.sort((a, b) => Number(a) - Number(b)).pop();
  if (!newest) throw new Error("PostgreSQL client tools are not installed");
  return path.join(root, newest, "bin", name);
}

/** A SQLite database file and its write-ahead log as one latin1 string (a missing file counts as empty). */
export function sqliteFileBytes(file: string): string {
  return [file, `${file}-wal`].map(readOrEmpty).join("");
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file).toString("latin1");
  } catch {
    return "";
  }
}
