import { open } from "node:fs/promises";
import type { MasterKeyRing } from "../auth/master-keys.js";
import { sodiumReady } from "../crypto/aead.js";
import { backupFileKey } from "./backup-key.js";
import { decryptChunks } from "./encrypted-reader.js";
import { BackupError } from "./errors.js";
import { decodePrelude, PRELUDE_READ_BYTES, type FileHeader } from "./file-format.js";
import { parseRecord, type BackupRecord, type Manifest } from "./records.js";

/** One table's rows as they come out of the file. */
export interface RowBatch {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
}

export interface ReadEvents {
  onTableEnd?(table: string, rows: number): void;
}

/**
 * Reads a backup file: checks the header, opens it with the master key it names, authenticates
 * every chunk and checks that the records form a whole backup (manifest first, every table of the
 * manifest in order with its announced row count, then the closing record). `onRows` sees each
 * batch as soon as its chunk has been authenticated; use `inspectBackup` first to know the whole
 * file is intact before acting on any of it.
 */
export async function readBackup(
  path: string,
  ring: MasterKeyRing,
  onRows: (batch: RowBatch) => Promise<void>,
  events: ReadEvents = {},
): Promise<{ header: FileHeader; manifest: Manifest; rows: number }> {
  await sodiumReady();
  const file = await open(path, "r");
  try {
    const start = Buffer.alloc(PRELUDE_READ_BYTES);
    const { bytesRead } = await file.read(start, 0, start.length, 0);
    const { header, length } = decodePrelude(start.subarray(0, bytesRead));
    const master = ring.byId(header.keyId);
    if (!master) {
      throw new BackupError("backup_key_unknown", `the backup was encrypted under master key ${header.keyId}, which is not in the key ring (retired keys make their backups unreadable)`);
    }
    const key = backupFileKey(master, Buffer.from(header.salt, "base64"));
    const checker = new RecordOrder();
    for await (const chunk of decryptChunks(file, length, key, start.subarray(0, length))) {
      const text = chunk.toString("utf8");
      chunk.fill(0);
      for (const line of text.split("\n")) {
        if (line === "") continue;
        const record = parseRecord(line);
        const batch = checker.accept(record, events);
        if (batch) await onRows(batch);
      }
    }
    return { header, ...checker.complete() };
  } finally {
    await file.close();
  }
}

/** Reads and checks the whole file without doing anything with the rows. */
export async function inspectBackup(path: string, ring: MasterKeyRing): Promise<{ header: FileHeader; manifest: Manifest; rows: number }> {
  return readBackup(path, ring, async () => undefined);
}

class RecordOrder {
  #manifest: Manifest | undefined;
  #tableIndex = -1;
  #open: { name: string; columns: readonly string[]; rows: number } | undefined;
  #total = 0;
  #done = false;

  accept(record: BackupRecord, events: ReadEvents): RowBatch | undefined {
    if (this.#done) throw invalid("records follow the closing record");
    if (!this.#manifest) {
      if (record.k !== "manifest") throw invalid("the backup does not start with its manifest");
      this.#manifest = record;
      return undefined;
    }
    switch (record.k) {
      case "manifest":
        throw invalid("a second manifest");
      case "table": {
        if (this.#open) throw invalid(`table ${record.name} starts before ${this.#open.name} ended`);
        const expected = this.#manifest.tables[++this.#tableIndex];
        if (!expected || expected.name !== record.name || expected.columns.join(",") !== record.columns.join(",")) {
          throw invalid(`table ${record.name} is not the one the manifest announces next`);
        }
        this.#open = { name: record.name, columns: record.columns, rows: 0 };
        return undefined;
      }
      case "rows": {
        const open = this.#open;
        if (!open) throw invalid("rows outside a table");
        if (record.v.some((row) => row.length !== open.columns.length)) throw invalid(`a row of ${open.name} has the wrong number of values`);
        open.rows += record.v.length;
        return { table: open.name, columns: open.columns, rows: record.v };
      }
      case "end": {
        if (!this.#open || this.#open.name !== record.name) throw invalid(`end of ${record.name}, which is not open`);
        if (this.#open.rows !== record.rows) throw invalid(`${record.name} announces ${record.rows} rows but holds ${this.#open.rows}`);
        events.onTableEnd?.(record.name, record.rows);
        this.#total += record.rows;
        this.#open = undefined;
        return undefined;
      }
      case "done": {
        if (this.#open) throw invalid(`the backup closes inside table ${this.#open.name}`);
        if (this.#tableIndex + 1 !== this.#manifest.tables.length || record.tables !== this.#manifest.tables.length || record.rows !== this.#total) {
          throw invalid("the closing record does not match the tables and rows read");
        }
        this.#done = true;
        return undefined;
      }
    }
  }

  complete(): { manifest: Manifest; rows: number } {
    if (!this.#manifest || !this.#done) throw invalid("the backup has no closing record");
    return { manifest: this.#manifest, rows: this.#total };
  }
}

function invalid(message: string): BackupError {
  return new BackupError("backup_format", `the backup's content is out of order: ${message}`);
}
