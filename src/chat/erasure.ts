import type { Kysely } from "kysely";
import { appendAudit } from "../audit/trail.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";

export interface ErasureOutcome {
  readonly conversations: number;
  readonly shreddedKeys: number;
}

/**
 * Crypto-shredding: the conversations' data keys are deleted from the key vault first, in its
 * own committed transaction, so the ciphertext is unreadable from that moment, in this database
 * and in every copy of it (the copies never held the keys); then the rows go, with the audit
 * entry in the same transaction. Both steps are idempotent: a failed erase is simply repeated.
 */
export async function eraseConversations(
  db: Kysely<Database>,
  keys: ConversationKeys,
  conversationIds: readonly string[],
  audit: { actor: string; action: string; target: string },
): Promise<ErasureOutcome> {
  const shreddedKeys = await keys.shred(conversationIds);
  let conversations = 0;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < conversationIds.length; i += 500) {
      const r = await trx.deleteFrom("chat_conversation").where("id", "in", conversationIds.slice(i, i + 500)).executeTakeFirst();
      conversations += Number(r.numDeletedRows);
    }
    await appendAudit(trx, { actor: audit.actor, action: audit.action, target: audit.target, decision: "success" });
  });
  return { conversations, shreddedKeys };
}
