import type { EpochMs } from "../storage/epoch-ms.js";

/** A visitor identity token already accepted: its `jti` (hashed) until the token expires. */
export interface VisitorIdentityTokenTable {
  site_id: string;
  /** SHA-256 of the token's `jti`, hex. */
  jti_hash: string;
  expires_at: EpochMs;
}

export interface VisitorIdentityTables {
  visitor_identity_token: VisitorIdentityTokenTable;
}
