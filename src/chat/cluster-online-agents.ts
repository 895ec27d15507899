import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CHANNEL_PREFIX, type Bus } from "../bus/bus.js";
import { heartbeat, ProcessDirectory } from "../bus/process-directory.js";
import type { AgentAvailability } from "../protocol/chat-frames.js";
import { OnlineAgents } from "./online-agents.js";

function sameIds(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = new Set(a ?? []);
  const y = b ?? [];
  return x.size === new Set(y).size && y.every((id) => x.has(id));
}

const CHANNEL = `${CHANNEL_PREFIX}chat:agents-online`;

// What one replica tells the others: which agents watch which site on it. `ask` (a replica that
// just started) makes every other replica answer at once; `gone` (shutdown) drops it at once.
const announcement = z.object({
  replica: z.string().min(1).max(64),
  sites: z.record(z.string().max(64), z.array(z.string().max(64)).max(10_000)),
  ask: z.boolean().optional(),
  gone: z.boolean().optional(),
});
type Announcement = z.infer<typeof announcement>;

export interface ClusterOptions {
  readonly now?: () => number;
  /** Pause between announcements; a replica silent for three of them is forgotten. */
  readonly heartbeatMs?: number;
}

/**
 * Agents online across every replica: this replica's consoles (counted as OnlineAgents does)
 * plus what the other replicas announce over the bus. Each replica announces on every change
 * and as a heartbeat, so a replica that died without a word drops out after three missed
 * heartbeats. The visitor's offline form is offered only when no replica has an agent online.
 */
export class ClusterOnlineAgents extends OnlineAgents {
  readonly #replica = randomUUID();
  /** Per other replica, the agents it announced by site (one entry per site). */
  readonly #remote: ProcessDirectory<readonly string[]>;
  readonly #heartbeatMs: number;
  #stopBeating: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly bus: Bus,
    options: ClusterOptions,
  ) {
    super();
    this.#heartbeatMs = options.heartbeatMs ?? 5_000;
    this.#remote = new ProcessDirectory(options.now ?? Date.now, 3 * this.#heartbeatMs);
  }

  static async start(bus: Bus, options: ClusterOptions = {}): Promise<ClusterOnlineAgents> {
    const online = new ClusterOnlineAgents(bus, options);
    online.#unsubscribe = await bus.subscribe(CHANNEL, (text) => online.#receive(text));
    online.#announce({ ask: true });
    online.#stopBeating = heartbeat(online.#heartbeatMs, () => online.#announce());
    return online;
  }

  override watch(site: string, agentId: string): () => void {
    const release = super.watch(site, agentId);
    this.#announce();
    return () => {
      release();
      this.#announce();
    };
  }

  override agents(site: string): string[] {
    const ids = new Set(super.agents(site));
    for (const [, sites] of this.#remote.processes()) for (const id of sites.get(site) ?? []) ids.add(id);
    return [...ids];
  }

  override setAvailability(agentId: string, status: AgentAvailability): boolean {
    const changed = super.setAvailability(agentId, status);
    if (changed) this.#announce();
    return changed;
  }

  override count(site: string): number {
    return this.agents(site).length;
  }

  /** Stops announcing and tells the other replicas this one is gone (before the bus closes). */
  close(): void {
    this.#stopBeating?.();
    this.#stopBeating = undefined;
    this.#announce({ gone: true });
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #announce(extra: Pick<Announcement, "ask" | "gone"> = {}): void {
    const message: Announcement = { replica: this.#replica, sites: extra.gone ? {} : this.snapshot(), ...extra };
    try {
      this.bus.publish(CHANNEL, JSON.stringify(message));
    } catch {
      // a bus that is reconnecting drops this one; the next heartbeat repeats it
    }
  }

  #receive(text: string): void {
    let parsed: Announcement;
    try {
      parsed = announcement.parse(JSON.parse(text));
    } catch {
      return; // not ours to trust: ignored
    }
    if (parsed.replica === this.#replica) return;
    const before = new Map(this.#remote.entriesOf(parsed.replica) ?? []);
    if (parsed.gone) this.#remote.gone(parsed.replica);
    else {
      const sites = this.#remote.heard(parsed.replica);
      sites.clear();
      for (const [site, ids] of Object.entries(parsed.sites)) sites.set(site, ids);
    }
    if (parsed.ask) this.#announce();
    // Tell listeners (visitors' offline form) of each site whose agents on that replica changed.
    for (const site of new Set([...before.keys(), ...Object.keys(parsed.sites)])) {
      if (!sameIds(before.get(site), parsed.gone ? undefined : parsed.sites[site])) this.changed(site);
    }
  }
}
