import type { Kysely } from "kysely";
import { pruneAudit } from "../audit/trail.js";
import type { SessionStore } from "../auth/session-store.js";
import type { Database } from "../storage/schema.js";
import type { RetentionJob } from "./job.js";

/**
 * auditTrail: removes entries older than the period and moves the chain's anchor past them in the
 * same transaction (the rest still verifies), recording an `audit.pruned` entry as it does.
 */
export function auditTrailJob(db: Kysely<Database>): RetentionJob {
  return ({ cutoff, now }) => pruneAudit(db, cutoff, { actor: "system", rule: "retention.auditTrail", at: now });
}

/**
 * loginSessions: ends sessions past their idle or absolute timeout that nobody looked up since,
 * and any older than the period; each end is audited and closes the session's sockets.
 */
export function loginSessionsJob(sessions: Pick<SessionStore, "endExpired">): RetentionJob {
  return ({ cutoff }) => sessions.endExpired(cutoff);
}
