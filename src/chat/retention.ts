import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { eraseConversations } from "./erasure.js";

const DAY_MS = 86_400_000;

/**
 * Deletes conversations older than the retention period (policies/retention.yaml
 * `chatTranscripts.days`), keys first. Age counts from the end of a conversation, or from its
 * start when it never ended (abandoned chats and offline forms). Runs in bounded batches.
 */
export async function applyChatRetention(db: Kysely<Database>, keys: ConversationKeys, days: number, now: number, batch = 500): Promise<number> {
  const cutoff = now - days * DAY_MS;
  let total = 0;
  for (;;) {
    const rows = await db
      .selectFrom("chat_conversation")
      .select("id")
      .where((eb) => eb.or([eb("ended_at", "<", cutoff), eb.and([eb("ended_at", "is", null), eb("created_at", "<", cutoff)])]))
      .limit(batch)
      .execute();
    if (rows.length === 0) return total;
    const outcome = await eraseConversations(db, keys, rows.map((r) => r.id), { actor: "system", action: "chat.retention", target: `conversations:${rows.length}` });
    total += outcome.conversations;
    if (rows.length < batch) return total;
  }
}
