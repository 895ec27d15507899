import { hkdfSync, randomBytes } from "node:crypto";
import type { MasterKey } from "../auth/master-keys.js";

const INFO = "airlock backup file v1";

/** A fresh salt per backup: every file gets its own key, and no two files share a stream key. */
export function newSalt(): Buffer {
  return randomBytes(32);
}

/**
 * The file key: HKDF-SHA256 over the master key with the file's salt. A file can be opened only
 * while its master key is in the key ring; retiring that key makes the file unreadable.
 */
export function backupFileKey(master: MasterKey, salt: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", master.key, salt, `${INFO}|${master.id}`, 32));
}
