import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { toConversation, type Conversation } from "./conversations.js";

/** Where a page of closed chats ends: the next page starts after it (latest first). */
export interface ClosedCursor {
  readonly endedAt: number;
  readonly id: string;
}

/**
 * Chats of a site that an agent took part in (handled or joined) and that have ended, latest
 * first, `limit` at a time; `after` continues from the last one of the previous page. Metadata
 * only: no message is read or decrypted.
 */
export async function closedConversationsOf(db: Kysely<Database>, siteId: string, agentId: string, limit: number, after?: ClosedCursor): Promise<Conversation[]> {
  let query = db
    .selectFrom("chat_conversation")
    .selectAll("chat_conversation")
    .where("site_id", "=", siteId)
    .where("state", "=", "ended")
    .where((eb) => eb.exists(eb.selectFrom("chat_participant").select("agent_id").whereRef("chat_participant.conversation_id", "=", "chat_conversation.id").where("chat_participant.agent_id", "=", agentId)));
  if (after) query = query.where((eb) => eb.or([eb("ended_at", "<", after.endedAt), eb.and([eb("ended_at", "=", after.endedAt), eb("id", "<", after.id)])]));
  const rows = await query.orderBy("ended_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return rows.map(toConversation);
}
