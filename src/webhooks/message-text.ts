import { recordAudit } from "../audit/trail.js";
import type { ConversationKeys } from "../chat/conversation-keys.js";
import { messagesAfter } from "../chat/messages.js";
import type { WebhooksPolicy, WebhookSubscription } from "../policy/schema/webhooks.js";
import type { Storage } from "../storage/db.js";
import type { WebhookPayload } from "./payload.js";

/** Whether message text may go to this endpoint's host (the subscription must also ask for it). */
export function hostAllowsMessageText(sub: WebhookSubscription, policy: WebhooksPolicy): boolean {
  return policy.messageText.allowedHosts.includes(new URL(sub.url).hostname);
}

/**
 * `conversation.ended` with the messages both sides saw (transfer notes excluded), read from the
 * encrypted transcript now and audited like any transcript read. An erased conversation has none.
 */
export async function withMessageText(storage: Storage, keys: ConversationKeys, sub: WebhookSubscription, payload: WebhookPayload, now: number): Promise<WebhookPayload> {
  const conversationId = payload.data.conversationId;
  if (payload.type !== "conversation.ended" || typeof conversationId !== "string") return payload;
  const exists = await storage.db.selectFrom("chat_conversation").select("id").where("id", "=", conversationId).executeTakeFirst();
  if (!exists) return payload;
  const messages = await messagesAfter(storage.db, keys, conversationId, 0, "visitor", 1000);
  await recordAudit(storage.db, { actor: `webhook:${sub.id}`, action: "webhook.message-text", target: `conversation:${conversationId}`, decision: "success", at: now });
  return {
    ...payload,
    data: { ...payload.data, messages: messages.filter((m) => m.kind === "text").map((m) => ({ seq: m.seq, from: m.sender, at: new Date(m.at).toISOString(), text: m.text })) },
  };
}
