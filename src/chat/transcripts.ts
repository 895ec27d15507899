import type { Kysely } from "kysely";
import { appendAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { findConversation, toConversation, type Conversation } from "./conversations.js";
import { messagesAfter, type ChatMessage } from "./messages.js";

export interface Transcript {
  readonly conversation: Conversation;
  readonly handlers: readonly string[];
  readonly messages: readonly ChatMessage[];
}

/**
 * Reads a stored transcript for someone holding `chatlog:read` (the route checks the permission).
 * The read is written to the audit trail in the same transaction that reads the messages: there is
 * no read without its audit entry.
 */
export async function readTranscript(db: Kysely<Database>, keys: ConversationKeys, conversationId: string, reader: { agentId: string; sourceAddress?: string }): Promise<Transcript> {
  return db.transaction().execute(async (trx) => {
    const conversation = await findConversation(trx, conversationId);
    if (!conversation) throw new AirlockError("not_found", "no such conversation");
    await appendAudit(trx, {
      actor: `agent:${reader.agentId}`,
      action: "chatlog:read",
      target: `conversation:${conversationId}`,
      decision: "success",
      sourceAddress: reader.sourceAddress ?? null,
    });
    const messages: ChatMessage[] = [];
    for (let after = 0; ; ) {
      const page = await messagesAfter(trx, keys, conversationId, after, "agent");
      messages.push(...page);
      if (page.length < 500) break;
      after = page[page.length - 1]?.seq ?? after;
    }
    const handlers = await trx.selectFrom("chat_participant").select("agent_id").where("conversation_id", "=", conversationId).orderBy("joined_at").execute();
    return { conversation, handlers: [...new Set(handlers.map((h) => h.agent_id))], messages };
  });
}

export interface TranscriptQuery {
  readonly siteId?: string;
  readonly agentId?: string;
  readonly visitorId?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
  readonly limit?: number;
}

/** Metadata search for auditors: never touches message content (nothing is decrypted). */
export async function searchConversations(db: Kysely<Database>, q: TranscriptQuery): Promise<Conversation[]> {
  let query = db.selectFrom("chat_conversation").selectAll("chat_conversation");
  if (q.siteId) query = query.where("site_id", "=", q.siteId);
  if (q.visitorId) query = query.where("visitor_id", "=", q.visitorId);
  if (q.from !== undefined) query = query.where("created_at", ">=", q.from);
  if (q.to !== undefined) query = query.where("created_at", "<", q.to);
  if (q.agentId) {
    const agentId = q.agentId;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom("chat_participant").select("agent_id").whereRef("chat_participant.conversation_id", "=", "chat_conversation.id").where("chat_participant.agent_id", "=", agentId)),
    );
  }
  const rows = await query.orderBy("created_at", "desc").limit(Math.min(q.limit ?? 100, 1000)).execute();
  return rows.map(toConversation);
}
