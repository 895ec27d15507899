import type { Transaction } from "kysely";
import { appendAudit } from "../audit/trail.js";
import type { Database } from "../storage/schema.js";

export type ScimAuditEvent =
  | "scim.user.created"
  | "scim.user.replaced"
  | "scim.user.patched"
  | "scim.user.deactivated"
  | "scim.user.reactivated"
  | "scim.user.deleted"
  | "scim.group.created"
  | "scim.group.replaced"
  | "scim.group.patched"
  | "scim.group.deleted";

/** Who wrote through SCIM and from where; every write is audited in its own transaction (metadata only). */
export interface ScimActor {
  readonly idp: string;
  readonly sourceAddress: string | null;
}

export async function auditScim(trx: Transaction<Database>, actor: ScimActor, event: ScimAuditEvent, target: string): Promise<void> {
  await appendAudit(trx, { actor: `scim:${actor.idp}`, action: event, target, decision: "success", sourceAddress: actor.sourceAddress });
}
