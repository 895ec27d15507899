import type { Kysely, SelectQueryBuilder } from "kysely";
import { appendAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { toConversation, type Conversation } from "./conversations.js";
import { eraseConversations, type ErasureOutcome } from "./erasure.js";
import { messagesAfter, type ChatMessage } from "./messages.js";
import { CUSTOMER_ID_PATTERN } from "../visitor-identity/verify-token.js";

/** The per-visit id format the visitor script generates (random, URL-safe). */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Whose data: a visit (its per-visit id), or a customer the site verified (its id, on that site). */
export type DataSubject = { readonly visitorId: string } | { readonly siteId: string; readonly customerId: string };

export interface VisitorExport {
  readonly visitorId?: string;
  readonly siteId?: string;
  readonly customerId?: string;
  readonly exportedAt: string;
  readonly conversations: readonly (Conversation & { readonly messages: readonly ChatMessage[] })[];
}

function checkVisitorId(visitorId: string): void {
  if (!VISITOR_ID_PATTERN.test(visitorId)) throw new AirlockError("bad_request", "visitor id must be 16-64 characters of A-Z a-z 0-9 _ -");
}

/** The audit target naming the subject, and the subject's conversations. */
function subjectOf(subject: DataSubject | string): { target: string; where: (q: SelectConversations) => SelectConversations; fields: DataSubject } {
  const s: DataSubject = typeof subject === "string" ? { visitorId: subject } : subject;
  if ("visitorId" in s) {
    checkVisitorId(s.visitorId);
    return { target: `visitor:${s.visitorId}`, where: (q) => q.where("visitor_id", "=", s.visitorId), fields: s };
  }
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(s.siteId) || !CUSTOMER_ID_PATTERN.test(s.customerId)) throw new AirlockError("bad_request", "a site id and a customer id (1-128 characters of A-Z a-z 0-9 . _ : @ + = -)");
  return { target: `customer:${s.siteId}/${s.customerId}`, where: (q) => q.where("site_id", "=", s.siteId).where("customer_id", "=", s.customerId), fields: s };
}

type SelectConversations = SelectQueryBuilder<Database, "chat_conversation", object>;

/**
 * Everything Airlock stores about one visitor (GDPR Art. 15/20): their conversations with every
 * message, decrypted. Presence and co-browse content are never stored, so there is nothing else.
 * The export is audited in the transaction that reads it: the request (`gdpr.export`) and, like a
 * transcript read, a `chatlog:read` of each conversation it returns.
 */
export async function exportVisitor(db: Kysely<Database>, keys: ConversationKeys, visitor: string | DataSubject, actor: string, now: number, sourceAddress?: string): Promise<VisitorExport> {
  const subject = subjectOf(visitor);
  return db.transaction().execute(async (trx) => {
    await appendAudit(trx, { actor, action: "gdpr.export", target: subject.target, decision: "success" });
    const rows = await subject.where(trx.selectFrom("chat_conversation")).selectAll().orderBy("created_at").execute();
    const conversations = [];
    for (const row of rows) {
      await appendAudit(trx, { actor, action: "chatlog:read", target: `conversation:${row.id}`, decision: "success", sourceAddress: sourceAddress ?? null });
      const messages: ChatMessage[] = [];
      for (let after = 0; ; ) {
        const page = await messagesAfter(trx, keys, row.id, after, "agent");
        messages.push(...page);
        if (page.length < 500) break;
        after = page[page.length - 1]?.seq ?? after;
      }
      conversations.push({ ...toConversation(row), messages });
    }
    return { ...subject.fields, exportedAt: new Date(now).toISOString(), conversations };
  });
}

/** GDPR Art. 17: destroys the visitor's (or verified customer's) data keys first (crypto-shredding), then their rows. */
export async function eraseVisitor(db: Kysely<Database>, keys: ConversationKeys, visitor: string | DataSubject, actor: string): Promise<ErasureOutcome> {
  const subject = subjectOf(visitor);
  const rows = await subject.where(db.selectFrom("chat_conversation")).select("id").execute();
  return eraseConversations(db, keys, rows.map((r) => r.id), { actor, action: "gdpr.erase", target: subject.target });
}
