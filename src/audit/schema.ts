import type { EpochMs } from "../storage/epoch-ms.js";

/** One audit entry: metadata only (who, what, on which target, the decision, when, from where). */
export interface AuditLogTable {
  /** Position in the chain: 1, 2, 3… without gaps. */
  seq: number;
  at: EpochMs;
  actor: string;
  action: string;
  target: string | null;
  decision: string;
  rule: string | null;
  source_address: string | null;
  /** Hash of the previous entry (the anchor's for the first retained entry). */
  prev_hash: string;
  /** SHA-256 over the previous hash and this entry's canonical encoding. */
  hash: string;
}

/**
 * The single row (id 1) that every append locks and advances, so concurrent writers form one
 * chain. The anchor is where verification starts: the first retained entry and the hash before it.
 */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  anchor_seq: number;
  anchor_prev_hash: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}
