// The events a webhook subscription may name. A leaf module: the policy schema, the emitter and
// the console import it.
export const WEBHOOK_EVENT_TYPES = [
  "conversation.started",
  "conversation.assigned",
  "conversation.transferred",
  "conversation.ended",
  "conversation.rated",
  "cobrowse.started",
  "cobrowse.ended",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
