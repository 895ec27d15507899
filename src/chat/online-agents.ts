/** Agents with a console watching each site on this replica (for "agents online" and offline forms). */
export class OnlineAgents {
  readonly #bySite = new Map<string, Map<string, number>>();

  /** Counts one console of `agentId` on `site`; the returned function releases it. */
  watch(site: string, agentId: string): () => void {
    let agents = this.#bySite.get(site);
    if (!agents) this.#bySite.set(site, (agents = new Map<string, number>()));
    agents.set(agentId, (agents.get(agentId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (agents.get(agentId) ?? 1) - 1;
      if (n > 0) agents.set(agentId, n);
      else agents.delete(agentId);
      if (agents.size === 0 && this.#bySite.get(site) === agents) this.#bySite.delete(site);
    };
  }

  /** Ids of the agents watching the site. */
  agents(site: string): string[] {
    return [...(this.#bySite.get(site)?.keys() ?? [])];
  }

  count(site: string): number {
    return this.#bySite.get(site)?.size ?? 0;
  }

  /** Every site with the ids of the agents watching it. */
  snapshot(): Record<string, string[]> {
    return Object.fromEntries([...this.#bySite].map(([site, agents]) => [site, [...agents.keys()]]));
  }
}
