import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CHANNEL_PREFIX, type Bus } from "../bus/bus.js";
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
  readonly #remote = new Map<string, { readonly sites: Readonly<Record<string, readonly string[]>>; readonly at: number }>();
  readonly #now: () => number;
  readonly #heartbeatMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly bus: Bus,
    options: ClusterOptions,
  ) {
    super();
    this.#now = options.now ?? Date.now;
    this.#heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  static async start(bus: Bus, options: ClusterOptions = {}): Promise<ClusterOnlineAgents> {
    const online = new ClusterOnlineAgents(bus, options);
    online.#unsubscribe = await bus.subscribe(CHANNEL, (text) => online.#receive(text));
    online.#announce({ ask: true });
    online.#timer = setInterval(() => online.#announce(), online.#heartbeatMs);
    online.#timer.unref();
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
    const oldest = this.#now() - 3 * this.#heartbeatMs;
    for (const [replica, entry] of this.#remote) {
      if (entry.at < oldest) this.#remote.delete(replica);
      else for (const id of entry.sites[site] ?? []) ids.add(id);
    }
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
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
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
    const before = this.#remote.get(parsed.replica)?.sites ?? {};
    if (parsed.gone) this.#remote.delete(parsed.replica);
    else this.#remote.set(parsed.replica, { sites: parsed.sites, at: this.#now() });
    if (parsed.ask) this.#announce();
    // Tell listeners (visitors' offline form) of each site whose agents on that replica changed.
    for (const site of new Set([...Object.keys(before), ...Object.keys(parsed.sites)])) {
      if (!sameIds(before[site], parsed.gone ? undefined : parsed.sites[site])) this.changed(site);
    }
  }
}
