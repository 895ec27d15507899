import { SlidingWindow } from "../quotas/sliding-window.js";
import { ChatRefusal } from "./refusal.js";

export interface VisitorQuotaLimits {
  /** chatOpenConversationsPerVisit */
  readonly openConversationsPerVisit: number;
  /** chatMessagesPerMinutePerVisit */
  readonly messagesPerMinutePerVisit: number;
}

const MINUTE_MS = 60_000;

/**
 * What one visit may store: open conversations (counted in the database when one starts, see
 * ChatService.startChat) and messages per minute (counted here, for the visits whose
 * connections this replica holds). Shared by every visitor connection of the replica, so a
 * reconnect does not start the count afresh.
 */
export class VisitorQuotas {
  readonly #messages: SlidingWindow;

  constructor(
    readonly limits: VisitorQuotaLimits,
    now: () => number = Date.now,
  ) {
    this.#messages = new SlidingWindow(limits.messagesPerMinutePerVisit, MINUTE_MS, now);
  }

  /** Whether the visit may store one more message now. */
  allowsMessage(visit: { siteId: string; visitorId: string }): boolean {
    return this.#messages.allows(keyOf(visit));
  }

  /** Refuses (`too_many_messages`) when the visit has stored its messages for this minute. */
  mustAllowMessage(visit: { siteId: string; visitorId: string }): void {
    if (!this.allowsMessage(visit)) throw new ChatRefusal("too_many_messages", `at most ${this.limits.messagesPerMinutePerVisit} messages a minute`);
  }

  /** Counts a message that was stored (a retried client id that found its first copy is not counted). */
  messageStored(visit: { siteId: string; visitorId: string }): void {
    this.#messages.record(keyOf(visit));
  }
}

function keyOf(visit: { siteId: string; visitorId: string }): string {
  return `${visit.siteId}\u0000${visit.visitorId}`;
}
