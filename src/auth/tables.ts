// Tables owned by agent identity. There is deliberately no column that could hold an agent
// password: agents authenticate at their IdP, and Airlock only keeps who they are, their
// sessions and their second factor (the TOTP secret encrypted, recovery codes hashed).
import type { EpochMs } from "../storage/epoch-ms.js";

export interface AgentTable {
  id: string;
  issuer: string;
  subject: string;
  display_name: string;
  email: string | null;
  /** IdP groups seen at the last login (JSON array); roles are derived from them through policy. */
  groups_json: string;
  created_at: EpochMs;
  last_login_at: EpochMs;
}

export interface AgentSessionTable {
  /** SHA-256 of the cookie value: a copy of the database cannot be replayed as a cookie. */
  id_hash: string;
  agent_id: string;
  /** `pending_mfa` until the second factor is satisfied, then `active`. */
  state: string;
  /** The IdP's session id (`sid`), used by back-channel logout. */
  idp_sid: string | null;
  /** Authentication methods the IdP asserted (JSON array), for policies that accept IdP MFA. */
  amr_json: string;
  /** The ID token is kept only to name the session at RP-initiated logout (`id_token_hint`). */
  id_token_hint: string | null;
  created_at: EpochMs;
  last_seen_at: EpochMs;
  /** When the agent last proved a factor in this session (login or TOTP); gates MFA changes. */
  reauthenticated_at: EpochMs;
}

export interface AgentTotpTable {
  agent_id: string;
  /** base64 secret box (nonce + XChaCha20-Poly1305 ciphertext) bound to the agent id. */
  secret_box: string;
  key_id: string;
  /** Null while enrollment awaits its first code. */
  confirmed_at: EpochMs | null;
  /** Highest time step accepted so far: a step is usable once (replay protection). */
  last_step: number;
  failures: number;
  lockouts: number;
  locked_until: EpochMs;
  created_at: EpochMs;
}

export interface AgentRecoveryCodeTable {
  agent_id: string;
  code_hash: string;
  used_at: EpochMs | null;
}

export interface LoginTransactionTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  /** The console path to land on after login. */
  return_to: string;
  expires_at: EpochMs;
}

export interface WsTicketTable {
  id_hash: string;
  session_id_hash: string;
  expires_at: EpochMs;
}

export interface IdentityTables {
  agent: AgentTable;
  agent_session: AgentSessionTable;
  agent_totp: AgentTotpTable;
  agent_recovery_code: AgentRecoveryCodeTable;
  login_transaction: LoginTransactionTable;
  ws_ticket: WsTicketTable;
}
