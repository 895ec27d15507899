import { createHash } from "node:crypto";
import type { AuditRecord } from "./entry.js";

export const GENESIS_HASH = "0".repeat(64);

/**
 * SHA-256 over the previous entry's hash and this entry's canonical encoding: a JSON array in a
 * fixed field order under a version tag, so the same entry always hashes the same on every dialect.
 */
export function chainHash(prevHash: string, r: Omit<AuditRecord, "prevHash" | "hash">): string {
  const canonical = JSON.stringify(["airlock-audit-v1", r.seq, r.at, r.actor, r.action, r.target, r.decision, r.rule, r.sourceAddress]);
  return createHash("sha256").update(prevHash, "utf8").update("\n", "utf8").update(canonical, "utf8").digest("hex");
}
