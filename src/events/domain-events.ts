// Domain events: what happened to a conversation or a co-browse session, told once, by the
// process that made it happen, after the change committed. Integrations (webhooks) listen here
// instead of being called from each command. Metadata only: ids, site, team, agent, times,
// score — never message text or page content.

export type ConversationEventChange = "started" | "assigned" | "transferred" | "ended";

export type DomainEvent =
  | {
      readonly kind: "conversation";
      readonly change: ConversationEventChange;
      readonly conversationId: string;
      readonly siteId: string;
      readonly team: string | null;
      readonly agentId: string | null;
      readonly startedAt: number;
      readonly endedAt: number | null;
      readonly at: number;
    }
  | { readonly kind: "rating"; readonly conversationId: string; readonly siteId: string; readonly agentId: string | null; readonly score: number; readonly at: number }
  | { readonly kind: "cobrowse"; readonly change: "started" | "ended"; readonly session: string; readonly siteId: string; readonly reason: string | null; readonly at: number };

export type DomainEventListener = (event: DomainEvent) => void;

/** A synchronous fan-out to in-process listeners; a listener that throws does not stop the others. */
export class DomainEvents {
  readonly #listeners = new Set<DomainEventListener>();

  on(listener: DomainEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: DomainEvent): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own to report; the command that emitted has committed.
      }
    }
  }
}
