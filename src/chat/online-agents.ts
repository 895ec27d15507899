import type { AgentAvailability } from "../protocol/chat-frames.js";

/**
 * Agents available for each site on this replica (for "agents online", routing and offline
 * forms). An agent counts for a site while a console of theirs is connected for it (the header's
 * availability control registers every site, whichever page is open) and they have not set
 * themselves away. Listeners learn of each site whose available agents may have changed.
 */
export class OnlineAgents {
  readonly #bySite = new Map<string, Map<string, number>>();
  readonly #away = new Set<string>();
  readonly #listeners = new Set<(site: string) => void>();

  /** Counts one console of `agentId` on `site`; the returned function releases it. */
  watch(site: string, agentId: string): () => void {
    let agents = this.#bySite.get(site);
    if (!agents) this.#bySite.set(site, (agents = new Map<string, number>()));
    const before = agents.get(agentId) ?? 0;
    agents.set(agentId, before + 1);
    if (before === 0) this.changed(site);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (agents.get(agentId) ?? 1) - 1;
      if (n > 0) agents.set(agentId, n);
      else agents.delete(agentId);
      if (agents.size === 0 && this.#bySite.get(site) === agents) this.#bySite.delete(site);
      if (n <= 0) this.changed(site);
    };
  }

  /** Online or away for every site; true when it changed. */
  setAvailability(agentId: string, status: AgentAvailability): boolean {
    if ((status === "away") === this.#away.has(agentId)) return false;
    if (status === "away") this.#away.add(agentId);
    else this.#away.delete(agentId);
    for (const [site, agents] of this.#bySite) if (agents.has(agentId)) this.changed(site);
    return true;
  }

  availabilityOf(agentId: string): AgentAvailability {
    return this.#away.has(agentId) ? "away" : "online";
  }

  /** Ids of the agents available for the site (connected and not away). */
  agents(site: string): string[] {
    return this.#local(site);
  }

  count(site: string): number {
    return this.agents(site).length;
  }

  /** Every site with the ids of the agents available for it. */
  snapshot(): Record<string, string[]> {
    return Object.fromEntries([...this.#bySite.keys()].map((site) => [site, this.#local(site)]));
  }

  #local(site: string): string[] {
    return [...(this.#bySite.get(site)?.keys() ?? [])].filter((id) => !this.#away.has(id));
  }

  /** Calls `listener(site)` whenever the site's available agents may have changed; returns a stop function. */
  onChange(listener: (site: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  protected changed(site: string): void {
    for (const l of [...this.#listeners]) {
      try {
        l(site);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
}
