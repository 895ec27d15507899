import type { Invitation, Invitations } from "./invitation.js";
import type { VisitorChatConnection } from "./visitor-connection.js";

export type { Invitation, Invitations } from "./invitation.js";

/** Visitor connections on this replica by site and visit, so an agent's invitation can reach one. */
export class VisitorDirectory implements Invitations {
  readonly #byVisit = new Map<string, Set<VisitorChatConnection>>();

  add(c: VisitorChatConnection): () => void {
    const key = `${c.visit.siteId}\u0000${c.visit.visitorId}`;
    let set = this.#byVisit.get(key);
    if (!set) this.#byVisit.set(key, (set = new Set()));
    set.add(c);
    return () => {
      set.delete(c);
      if (set.size === 0) this.#byVisit.delete(key);
    };
  }

  /** The visit's open connections (one per open tab). */
  find(siteId: string, visitorId: string): readonly VisitorChatConnection[] {
    return [...(this.#byVisit.get(`${siteId}\u0000${visitorId}`) ?? [])];
  }

  /** Shows the invitation on the visit's connections to this replica. */
  invite(siteId: string, visitorId: string, invitation: Invitation): boolean {
    const targets = this.find(siteId, visitorId);
    for (const t of targets) t.invite(invitation);
    return targets.length > 0;
  }

  /** Tells every visit of the site on this replica whether chat is available now (they change forms). */
  availabilityChanged(siteId: string): void {
    for (const set of this.#byVisit.values()) for (const c of set) if (c.visit.siteId === siteId) c.availability();
  }

  /** Every visit on this replica checks its availability again (business hours begin or end). */
  availabilityChangedEverywhere(): void {
    for (const set of this.#byVisit.values()) for (const c of set) c.availability();
  }
}
