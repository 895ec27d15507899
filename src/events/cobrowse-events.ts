import type { CobrowseSessionAudit } from "../relay/cobrowse-session.js";
import type { DomainEvent, DomainEvents } from "./domain-events.js";

/** A co-browse session's start or end as a domain event (metadata the audit trail gets as well). */
export function cobrowseDomainEvent(event: string, meta: Readonly<Record<string, string | number>>, at: number): DomainEvent | undefined {
  if (event !== "cobrowse.start" && event !== "cobrowse.end") return undefined;
  return { kind: "cobrowse", change: event === "cobrowse.start" ? "started" : "ended", session: String(meta.room), siteId: String(meta.site), reason: meta.reason === undefined ? null : String(meta.reason), at };
}

/** The relay's session audit, also telling session starts and ends as domain events. */
export function withDomainEvents(audit: CobrowseSessionAudit, events: DomainEvents, now: () => number = Date.now): CobrowseSessionAudit {
  return (event, meta) => {
    audit(event, meta);
    const domainEvent = cobrowseDomainEvent(event, meta, now());
    if (domainEvent) events.emit(domainEvent);
  };
}
