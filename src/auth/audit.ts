import type { Kysely } from "kysely";
import type { Logger } from "../ops/log.js";
import type { Database } from "../storage/schema.js";

export type IdentityAuditEvent =
  | "auth.login.success"
  | "auth.login.failure"
  | "auth.mfa.enrolled"
  | "auth.mfa.success"
  | "auth.mfa.failure"
  | "auth.mfa.lockout"
  | "auth.mfa.reset"
  | "auth.logout"
  | "auth.session.ended";

export interface IdentityAuditEntry {
  readonly event: IdentityAuditEvent;
  readonly agentId?: string;
  /** A short machine reason (`bad_state`, `idle`, `admin`…), never a token or a code. */
  readonly reason?: string;
  /** The admin who acted on someone else's session. */
  readonly actorAgentId?: string;
}

/**
 * Records identity events. Called with the same database handle (or transaction) that makes the
 * change, so the audit trail can commit them together.
 */
export type IdentityAudit = (db: Kysely<Database>, entry: IdentityAuditEntry) => Promise<void>;

/** Writes identity events as structured log lines (ids and reasons only). */
export function logIdentityAudit(log: Logger): IdentityAudit {
  return async (_db, entry) => {
    log.info({ audit: entry.event, agentId: entry.agentId, reason: entry.reason, actorAgentId: entry.actorAgentId }, "identity event");
  };
}
