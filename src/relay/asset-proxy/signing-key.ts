import { hkdfSync } from "node:crypto";

/**
 * The asset URL signing key, derived from the encryption master key so every replica signs and
 * verifies with the same key (an agent's browser may fetch an asset from a replica other than the
 * one that sanitized the page) while no new secret has to be distributed. The label keeps it
 * independent of every other use of the master key.
 */
export function assetSigningKey(masterKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "airlock asset-proxy url signing v1", 32));
}
