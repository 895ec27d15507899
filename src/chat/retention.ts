import type { Kysely } from "kysely";
import type { RetentionJob } from "../retention/job.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { eraseConversations } from "./erasure.js";

/**
 * Deletes conversations older than the retention period (policies/retention.yaml
 * `chatTranscripts.days`), keys first. Age counts from the end of a conversation, or from its
 * start when it never ended (abandoned chats and offline forms). Runs in bounded batches.
 */
export async function applyChatRetention(db: Kysely<Database>, keys: ConversationKeys, cutoff: number, batch = 500): Promise<number> {
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

/**
 * Shreds vault keys older than the cutoff whose conversation is not in the main database: keys
 * whose conversation's creating transaction rolled back (the vault commits on its own), or that
 * outlived a main database restored from an older backup. They encrypt nothing that exists.
 */
export async function sweepOrphanKeys(db: Kysely<Database>, keys: ConversationKeys, cutoff: number, batch = 500): Promise<number> {
  let swept = 0;
  let after = "";
  for (;;) {
    const ids = await keys.vault.idsCreatedBefore(cutoff, after, batch);
    if (ids.length === 0) return swept;
    const present = new Set((await db.selectFrom("chat_conversation").select("id").where("id", "in", ids).execute()).map((r) => r.id));
    swept += await keys.shred(ids.filter((id) => !present.has(id)));
    after = ids[ids.length - 1] ?? after;
  }
}

/** The `chatTranscripts` job of the server's retention scheduler. */
export function chatTranscriptsJob(db: Kysely<Database>, keys: ConversationKeys): RetentionJob {
  return async ({ cutoff }) => {
    const deleted = await applyChatRetention(db, keys, cutoff);
    await sweepOrphanKeys(db, keys, cutoff);
    return deleted;
  };
}
