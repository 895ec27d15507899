import type { Kysely } from "kysely";
import { appendAudit } from "../audit/trail.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";

export interface ErasureOutcome {
  readonly conversations: number;
  readonly shreddedKeys: number;
}

/**
 * Crypto-shredding: the conversations' data keys are deleted first, in their own committed
 * transaction, so the ciphertext is unreadable from that moment even if deleting the rows
 * fails or a copy of them survives; then the rows go. Both steps are idempotent.
 */
export async function eraseConversations(
  db: Kysely<Database>,
  keys: ConversationKeys,
  conversationIds: readonly string[],
  audit: { actor: string; action: string; target: string },
): Promise<ErasureOutcome> {
  let shreddedKeys = 0;
  await db.transaction().execute(async (trx) => {
    for (const ids of chunks(conversationIds, 500)) {
      const r = await trx.deleteFrom("chat_data_key").where("conversation_id", "in", ids).executeTakeFirst();
      shreddedKeys += Number(r.numDeletedRows);
    }
    await appendAudit(trx, { actor: audit.actor, action: audit.action, target: audit.target, decision: "success" });
  });
  for (const id of conversationIds) keys.forget(id);
  let conversations = 0;
  for (const ids of chunks(conversationIds, 500)) {
    const r = await db.deleteFrom("chat_conversation").where("id", "in", ids).executeTakeFirst();
    conversations += Number(r.numDeletedRows);
  }
  return { conversations, shreddedKeys };
}

function* chunks<T>(list: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}
