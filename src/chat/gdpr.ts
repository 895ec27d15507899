import type { Kysely } from "kysely";
import { appendAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { toConversation, type Conversation } from "./conversations.js";
import { eraseConversations, type ErasureOutcome } from "./erasure.js";
import { messagesAfter, type ChatMessage } from "./messages.js";

/** The per-visit id format the visitor script generates (random, URL-safe). */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface VisitorExport {
  readonly visitorId: string;
  readonly exportedAt: string;
  readonly conversations: readonly (Conversation & { readonly messages: readonly ChatMessage[] })[];
}

function checkVisitorId(visitorId: string): void {
  if (!VISITOR_ID_PATTERN.test(visitorId)) throw new AirlockError("bad_request", "visitor id must be 16-64 characters of A-Z a-z 0-9 _ -");
}

/**
 * Everything Airlock stores about one visitor (GDPR Art. 15/20): their conversations with every
 * message, decrypted. Presence and co-browse content are never stored, so there is nothing else.
 * The export is audited in the transaction that reads it: the request (`gdpr.export`) and, like a
 * transcript read, a `chatlog:read` of each conversation it returns.
 */
export async function exportVisitor(db: Kysely<Database>, keys: ConversationKeys, visitorId: string, actor: string, now: number, sourceAddress?: string): Promise<VisitorExport> {
  checkVisitorId(visitorId);
  return db.transaction().execute(async (trx) => {
    await appendAudit(trx, { actor, action: "gdpr.export", target: `visitor:${visitorId}`, decision: "success" });
    const rows = await trx.selectFrom("chat_conversation").selectAll().where("visitor_id", "=", visitorId).orderBy("created_at").execute();
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
    return { visitorId, exportedAt: new Date(now).toISOString(), conversations };
  });
}

/** GDPR Art. 17: destroys the visitor's data keys first (crypto-shredding), then their rows. */
export async function eraseVisitor(db: Kysely<Database>, keys: ConversationKeys, visitorId: string, actor: string): Promise<ErasureOutcome> {
  checkVisitorId(visitorId);
  const rows = await db.selectFrom("chat_conversation").select("id").where("visitor_id", "=", visitorId).execute();
  return eraseConversations(db, keys, rows.map((r) => r.id), { actor, action: "gdpr.erase", target: `visitor:${visitorId}` });
}
