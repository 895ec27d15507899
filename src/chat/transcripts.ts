import { sql, type Kysely, type Transaction } from "kysely";
import { appendAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import { agentNames } from "../auth/agent-names.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { findConversation, toConversation, type Conversation } from "./conversations.js";
import { messagesAfter, type ChatMessage } from "./messages.js";

/** An agent who took part, by name, and when: a handler accepted or received the chat, a supervisor joined it. */
export interface TranscriptParticipant {
  readonly agentId: string;
  /** The IdP display name at the agent's last login; "Agent" when the agent is no longer known. */
  readonly name: string;
  readonly role: "handler" | "supervisor";
  readonly joinedAt: number;
}

export interface Transcript {
  readonly conversation: Conversation;
  readonly handlers: readonly string[];
  readonly participants: readonly TranscriptParticipant[];
  readonly messages: readonly ChatMessage[];
}

type Db = Kysely<Database> | Transaction<Database>;

/** Display names of agents by id, for showing people instead of ids (one lookup for all of chat: auth/agent-names.ts). */
export function agentDisplayNames(db: Db, ids: Iterable<string>): Promise<Map<string, string>> {
  return agentNames(db, ids);
}

/** The participants of conversations by conversation id, with names, in the order they joined. */
export async function participantsOf(db: Db, conversationIds: readonly string[]): Promise<Map<string, TranscriptParticipant[]>> {
  const result = new Map<string, TranscriptParticipant[]>();
  if (conversationIds.length === 0) return result;
  const rows = await db.selectFrom("chat_participant").selectAll().where("conversation_id", "in", conversationIds).orderBy("joined_at").execute();
  const names = await agentDisplayNames(db, rows.map((r) => r.agent_id));
  for (const r of rows) {
    const list = result.get(r.conversation_id) ?? [];
    list.push({ agentId: r.agent_id, name: names.get(r.agent_id) ?? "Agent", role: r.role, joinedAt: Number(r.joined_at) });
    result.set(r.conversation_id, list);
  }
  return result;
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
    const participants = (await participantsOf(trx, [conversationId])).get(conversationId) ?? [];
    return { conversation, handlers: [...new Set(participants.map((p) => p.agentId))], participants, messages };
  });
}

export interface TranscriptQuery {
  readonly siteId?: string;
  readonly agentId?: string;
  readonly visitorId?: string;
  /** Part of an agent's display name (case-insensitive): conversations any such agent took part in. */
  readonly agentName?: string;
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
  if (q.agentName) {
    const pattern = `%${q.agentName.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("chat_participant")
          .innerJoin("agent", "agent.id", "chat_participant.agent_id")
          .select("chat_participant.agent_id")
          .whereRef("chat_participant.conversation_id", "=", "chat_conversation.id")
          .where(sql<string>`lower(agent.display_name)`, "like", sql<string>`${pattern} escape '\\'`),
      ),
    );
  }
  const rows = await query.orderBy("created_at", "desc").limit(Math.min(q.limit ?? 100, 1000)).execute();
  return rows.map(toConversation);
}
