import { existsSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import type { MasterKeyRing } from "../auth/master-keys.js";
import { sodiumReady } from "../crypto/aead.js";
import type { VerifyResult } from "../audit/trail.js";
import { backupFileKey, newSalt } from "./backup-key.js";
import type { BackupDatabase, DatabaseKind } from "./databases.js";
import { EncryptedWriter } from "./encrypted-writer.js";
import { encodePrelude, FORMAT_VERSION } from "./file-format.js";
import { encodeCell, type Manifest } from "./records.js";
import { withSnapshot } from "./snapshot.js";

export interface Progress {
  readonly tablesDone: number;
  readonly tablesTotal: number;
  readonly table: string;
  readonly rows: number;
}

export interface CreateOptions {
  readonly airlockVersion: string;
  readonly now?: () => number;
  readonly onProgress?: (progress: Progress) => void;
}

export interface BackupSummary {
  readonly database: DatabaseKind;
  readonly file: string;
  readonly keyId: string;
  readonly createdAt: string;
  readonly sourceDialect: string;
  readonly migrations: readonly string[];
  readonly tables: readonly { readonly name: string; readonly rows: number }[];
  readonly rows: number;
  readonly audit: VerifyResult | null;
}

/**
 * Writes a consistent, encrypted logical backup of every table to `outFile` (mode 0600). The file
 * is written under a temporary name and renamed at the end, so `outFile` is either complete or
 * absent. Nothing of the data is ever written unencrypted.
 */
export async function createBackup<DB>(source: BackupDatabase<DB>, ring: MasterKeyRing, outFile: string, options: CreateOptions): Promise<BackupSummary> {
  await sodiumReady();
  if (existsSync(outFile)) throw new Error(`${outFile} already exists; choose a new file name`);
  const master = ring.current;
  const salt = newSalt();
  const createdAt = new Date((options.now ?? Date.now)()).toISOString();
  const prelude = encodePrelude({ format: FORMAT_VERSION, cipher: "xchacha20poly1305-secretstream", kdf: "hkdf-sha256", keyId: master.id, salt: salt.toString("base64"), createdAt });
  const partial = `${outFile}.partial-${process.pid}`;
  const file = await open(partial, "wx", 0o600);
  try {
    const key = backupFileKey(master, salt);
    const writer = await EncryptedWriter.start(file, key, prelude);
    const summary = await writeSnapshot(source, writer, createdAt, options);
    await writer.finish();
    await file.sync();
    await file.close();
    if (existsSync(outFile)) throw new Error(`${outFile} appeared while the backup was written; it was left alone`);
    await rename(partial, outFile);
    return { file: outFile, keyId: master.id, createdAt, ...summary };
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
}

async function writeSnapshot<DB>(source: BackupDatabase<DB>, writer: EncryptedWriter, createdAt: string, options: CreateOptions): Promise<Omit<BackupSummary, "file" | "keyId" | "createdAt">> {
  return withSnapshot(source, async (snapshot) => {
    const manifest: Manifest = {
      k: "manifest",
      database: source.kind,
      airlockVersion: options.airlockVersion,
      sourceDialect: source.dialect,
      createdAt,
      migrations: [...snapshot.migrations],
      tables: snapshot.tables.map((t) => ({ name: t.name, columns: [...t.columns] })),
      audit: snapshot.audit,
    };
    await writer.write(JSON.stringify(manifest));
    const counts: { name: string; rows: number }[] = [];
    for (const table of snapshot.tables) {
      await writer.write(JSON.stringify({ k: "table", name: table.name, columns: table.columns }));
      let rows = 0;
      for await (const page of snapshot.rows(table)) {
        const encoded = page.map((row) => row.map((value, i) => encodeCell(value, `${table.name}.${table.columns[i] ?? "?"}`)));
        await writer.write(JSON.stringify({ k: "rows", v: encoded }));
        rows += page.length;
      }
      await writer.write(JSON.stringify({ k: "end", name: table.name, rows }));
      counts.push({ name: table.name, rows });
      options.onProgress?.({ tablesDone: counts.length, tablesTotal: snapshot.tables.length, table: table.name, rows });
    }
    const total = counts.reduce((n, t) => n + t.rows, 0);
    await writer.write(JSON.stringify({ k: "done", tables: counts.length, rows: total }));
    return { database: source.kind, sourceDialect: source.dialect, migrations: snapshot.migrations, tables: counts, rows: total, audit: snapshot.audit };
  });
}
