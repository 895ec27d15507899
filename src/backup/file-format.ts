import { z } from "zod";
import { BackupError } from "./errors.js";

// An Airlock backup file:
//   MAGIC (9 bytes) | header length (uint16 BE) | header JSON | secretstream header (24 bytes) |
//   chunks: ciphertext length (uint32 BE) | ciphertext ...
// The header is readable without a key (which master key, when) and authenticated: it is the
// associated data of the first chunk, so changing any byte of it makes the file unreadable.
// The last chunk carries the FINAL tag; a file that stops before it, or goes on after it, is refused.

export const MAGIC = Buffer.from("AIRLOCKBK", "ascii");
export const FORMAT_VERSION = 1;
/** Plaintext per chunk before it is sealed; chunks end on record boundaries. */
export const CHUNK_TARGET_BYTES = 256 * 1024;
/** Largest ciphertext chunk a reader accepts: a corrupted length must not allocate gigabytes. */
export const CHUNK_MAX_BYTES = 64 * 1024 * 1024;
const HEADER_MAX_BYTES = 4096;

export const fileHeaderSchema = z
  .object({
    format: z.literal(FORMAT_VERSION),
    cipher: z.literal("xchacha20poly1305-secretstream"),
    kdf: z.literal("hkdf-sha256"),
    keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    salt: z.base64().refine((s) => Buffer.from(s, "base64").length === 32, "salt must be 32 bytes"),
    createdAt: z.iso.datetime(),
  })
  .strict();

export type FileHeader = z.infer<typeof fileHeaderSchema>;

/** The plaintext prelude: magic, length and header JSON. Also the first chunk's associated data. */
export function encodePrelude(header: FileHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(2);
  length.writeUInt16BE(json.length);
  return Buffer.concat([MAGIC, length, json]);
}

/** Parses the prelude from the first bytes of a file; returns the header and the prelude's length. */
export function decodePrelude(bytes: Buffer): { header: FileHeader; length: number } {
  if (bytes.length < MAGIC.length + 2 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupError("backup_format", "not an Airlock backup file (wrong magic bytes)");
  }
  const jsonLength = bytes.readUInt16BE(MAGIC.length);
  const start = MAGIC.length + 2;
  if (jsonLength > HEADER_MAX_BYTES || bytes.length < start + jsonLength) {
    throw new BackupError("backup_format", "the backup header is cut off or too long");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(start, start + jsonLength).toString("utf8"));
  } catch (cause) {
    throw new BackupError("backup_format", "the backup header is not JSON", { cause });
  }
  const result = fileHeaderSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BackupError("backup_format", `the backup header is invalid: ${issue?.path.join(".") || "header"}: ${issue?.message ?? "invalid"}`);
  }
  return { header: result.data, length: start + jsonLength };
}

export const PRELUDE_READ_BYTES = MAGIC.length + 2 + HEADER_MAX_BYTES;
