import { z } from "zod";
import { BackupError } from "./errors.js";

// The plaintext inside a backup: one JSON record per line, in this order:
//   manifest, then per table: table, rows…, end; and finally done.
// Values are dialect-neutral, so a backup restores into SQLite or PostgreSQL alike.

const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/);

const auditStateSchema = z.union([
  z.object({ ok: z.literal(true), entries: z.number(), headSeq: z.number(), headHash: z.string() }),
  z.object({ ok: z.literal(false), entries: z.number(), brokenAt: z.number(), reason: z.string() }),
]);

export const manifestSchema = z.object({
  k: z.literal("manifest"),
  /** `main` (everything but the chat data keys) or `vault` (only wrapped chat data keys). */
  database: z.enum(["main", "vault"]),
  airlockVersion: z.string(),
  sourceDialect: z.enum(["sqlite", "postgres"]),
  createdAt: z.iso.datetime(),
  /** Migrations applied to the source, in order: the schema the rows belong to. */
  migrations: z.array(z.string()),
  tables: z.array(z.object({ name: identifier, columns: z.array(identifier).min(1) })),
  /** `audit verify` on the snapshot (main database only): restore must reproduce exactly this. */
  audit: auditStateSchema.nullable(),
});

export const recordSchema = z.discriminatedUnion("k", [
  manifestSchema,
  z.object({ k: z.literal("table"), name: identifier, columns: z.array(identifier).min(1) }),
  z.object({ k: z.literal("rows"), v: z.array(z.array(z.unknown())) }),
  z.object({ k: z.literal("end"), name: identifier, rows: z.number().int().min(0) }),
  z.object({ k: z.literal("done"), tables: z.number().int().min(0), rows: z.number().int().min(0) }),
]);

export type Manifest = z.infer<typeof manifestSchema>;
export type BackupRecord = z.infer<typeof recordSchema>;
export type CellValue = string | number | boolean | null | Uint8Array | Date | bigint;

export function parseRecord(line: string): BackupRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new BackupError("backup_format", "a record inside the backup is not JSON", { cause });
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) throw new BackupError("backup_format", `a record inside the backup is invalid (${parsed.error.issues[0]?.message ?? "unknown"})`);
  return parsed.data;
}

/** JSON keeps strings, numbers, booleans and null; bytes, dates and big integers are tagged. */
export function encodeCell(value: unknown, where: string): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new BackupError("backup_unsupported_value", `${where}: a non-finite number cannot be backed up`);
    return value;
  }
  if (typeof value === "bigint") return { i: value.toString() };
  if (value instanceof Uint8Array) return { b: Buffer.from(value).toString("base64") };
  if (value instanceof Date) return { d: value.toISOString() };
  throw new BackupError("backup_unsupported_value", `${where}: values of type ${typeof value} are not supported by backups`);
}

export function decodeCell(value: unknown, where: string): CellValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "object") {
    const tagged = value as Record<string, unknown>;
    if (typeof tagged.b === "string") return new Uint8Array(Buffer.from(tagged.b, "base64"));
    if (typeof tagged.d === "string") return new Date(tagged.d);
    if (typeof tagged.i === "string" && /^-?\d+$/.test(tagged.i)) return BigInt(tagged.i);
  }
  throw new BackupError("backup_format", `${where}: a value inside the backup has an unknown form`);
}
