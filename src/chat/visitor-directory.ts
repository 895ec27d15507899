import type { VisitorChatConnection } from "./visitor-connection.js";

/** Visitor connections on this replica by site and visit, so an agent's invitation can reach one. */
export class VisitorDirectory {
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
}
