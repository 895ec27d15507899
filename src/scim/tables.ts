// Tables owned by SCIM provisioning (migration 0009_scim). No token is stored in clear: an IdP's
// bearer token is kept as its SHA-256 only.
import type { EpochMs } from "../storage/epoch-ms.js";

export interface ScimIdpTable {
  /** The operator's name for the IdP (`entra`, `okta`); `scim:<name>` in the audit trail. */
  name: string;
  /** The OIDC issuer whose agents this IdP provisions: a provisioned user links to an agent of this issuer. */
  issuer: string;
  /** SHA-256 (hex) of the current bearer token. */
  token_hash: string;
  created_at: EpochMs;
  rotated_at: EpochMs;
}

export interface ScimUserTable {
  /** The SCIM `id` Airlock assigned (random UUID). */
  id: string;
  idp: string;
  user_name: string;
  /** userName lower-cased: unique per IdP (userName is case-insensitive, RFC 7643 §4.1.1). */
  user_name_key: string;
  external_id: string | null;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  /** JSON array of `{ value, type?, primary? }`. */
  emails_json: string;
  /** 1 or 0: a deactivated user cannot sign in and has no session. */
  active: number;
  /** The agent who signed in with this identity, once known. */
  agent_id: string | null;
  /** Bumped on every change: the resource's ETag. */
  version: number;
  created_at: EpochMs;
  updated_at: EpochMs;
  /** Set when the IdP deleted the user: only userName and the agent link remain (refuses sign-in). */
  deleted_at: EpochMs | null;
}

export interface ScimGroupTable {
  id: string;
  idp: string;
  /** Matched against policies/access.yaml `groupMapping`, exactly like an OIDC groups claim. */
  display_name: string;
  display_name_key: string;
  external_id: string | null;
  version: number;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface ScimGroupMemberTable {
  group_id: string;
  user_id: string;
}

export interface ScimTables {
  scim_idp: ScimIdpTable;
  scim_user: ScimUserTable;
  scim_group: ScimGroupTable;
  scim_group_member: ScimGroupMemberTable;
}
