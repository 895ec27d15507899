import type { Kysely, Transaction } from "kysely";
import type { AuditDecision } from "../audit/entry.js";
import { appendAudit } from "../audit/trail.js";
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
  /** A short machine reason (`no_login_transaction`, `idle`, `admin`…), never a token or a code. */
  readonly reason?: string;
  /** The admin who acted on someone else's session. */
  readonly actorAgentId?: string;
}

/**
 * Records an identity event inside the transaction that makes the change it describes, so the
 * change and its audit entry commit together or not at all.
 */
export type IdentityAudit = (trx: Transaction<Database>, entry: IdentityAuditEntry) => Promise<void>;

/** For events that change nothing else (a failed login): the entry in a transaction of its own. */
export async function auditAlone(db: Kysely<Database>, audit: IdentityAudit, entry: IdentityAuditEntry): Promise<void> {
  await db.transaction().execute((trx) => audit(trx, entry));
}

const decisionOf = (event: IdentityAuditEvent): AuditDecision =>
  event.endsWith(".failure") || event.endsWith(".lockout") ? "failure" : event.endsWith(".success") || event === "auth.mfa.enrolled" ? "success" : "info";

/** Writes identity events to the hash-chained audit trail (ids and reasons only). */
export const trailIdentityAudit: IdentityAudit = async (trx, entry) => {
  const actorId = entry.actorAgentId ?? entry.agentId;
  await appendAudit(trx, {
    actor: actorId ? `agent:${actorId}` : "anonymous",
    action: entry.event,
    target: entry.actorAgentId && entry.agentId ? `agent:${entry.agentId}` : entry.reason ? `reason:${entry.reason.replace(/[^A-Za-z0-9._:-]/g, "_")}` : null,
    decision: decisionOf(entry.event),
    rule: entry.actorAgentId && entry.reason ? `reason:${entry.reason}` : null,
  });
};
