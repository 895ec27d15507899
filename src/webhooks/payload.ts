import type { DomainEvent } from "../events/domain-events.js";
import type { WebhookEventType } from "./event-types.js";

// The JSON a receiver gets: `{ type, timestamp, data }` (the Standard Webhooks payload shape).
// Metadata only — message text is added at the moment of sending (see message-text.ts), never
// stored in the outbox.

export interface WebhookPayload {
  readonly type: WebhookEventType;
  /** When the event happened (ISO 8601, UTC). */
  readonly timestamp: string;
  readonly data: Readonly<Record<string, string | number | null | readonly unknown[]>>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function payloadOf(event: DomainEvent): WebhookPayload {
  switch (event.kind) {
    case "conversation":
      return {
        type: `conversation.${event.change}`,
        timestamp: new Date(event.at).toISOString(),
        data: { conversationId: event.conversationId, siteId: event.siteId, team: event.team, agentId: event.agentId, startedAt: iso(event.startedAt), endedAt: iso(event.endedAt) },
      };
    case "rating":
      return { type: "conversation.rated", timestamp: new Date(event.at).toISOString(), data: { conversationId: event.conversationId, siteId: event.siteId, agentId: event.agentId, score: event.score } };
    case "cobrowse":
      return { type: `cobrowse.${event.change}`, timestamp: new Date(event.at).toISOString(), data: { sessionId: event.session, siteId: event.siteId, reason: event.reason } };
  }
}
