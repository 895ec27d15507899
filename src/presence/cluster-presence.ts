import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CHANNEL_PREFIX, type Bus } from "../bus/bus.js";
import { heartbeat, ProcessDirectory } from "../bus/process-directory.js";
import type { PresenceVisitor } from "../protocol/chat-messages.js";
import { visitorPseudonym } from "./pseudonym.js";
import { MAX_LISTED_PAGES, PresenceRegistry } from "./registry.js";

const CHANNEL = `${CHANNEL_PREFIX}presence`;

const replica = z.string().min(1).max(64);
const site = z.string().min(1).max(64);
const visitor = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const entry = z.strictObject({
  visitor,
  url: z.string().max(2_048),
  title: z.string().max(300),
  referrer: z.string().max(2_048),
  pagesViewed: count,
  startedAt: count,
  lastSeenAt: count,
  chat: z.enum(["none", "queued", "active", "ended", "offline", "invited"]),
  cobrowse: z.enum(["none", "active"]),
  // Optional: a replica of the previous release announces visits without them.
  name: z.string().max(40).optional(),
  pages: z.array(z.strictObject({ url: z.string().max(2_048), title: z.string().max(300), at: count })).max(MAX_LISTED_PAGES).optional(),
  language: z.string().max(35).optional(),
  browser: z.string().max(40).optional(),
  device: z.string().max(40).optional(),
  verified: z
    .strictObject({ customerId: z.string().max(128), name: z.string().max(120), attributes: z.record(z.string().max(32), z.string().max(200)) })
    .optional(),
});

// What replicas tell each other about the visitors connected to them. `visit` (one visit's
// listed facts changed) and `left` travel on every change; `beat` (the ids each replica holds)
// is the heartbeat that keeps them listed and repairs a missed message; `ask` makes a replica
// (or every one) send its visits again; `gone` is a replica shutting down.
const message = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("visit"), replica, site, entry }),
  z.strictObject({ t: z.literal("left"), replica, site, visitor }),
  z.strictObject({ t: z.literal("beat"), replica, visits: z.record(site, z.array(visitor).max(100_000)) }),
  z.strictObject({ t: z.literal("ask"), replica, of: replica.optional() }),
  z.strictObject({ t: z.literal("gone"), replica }),
]);
type Message = z.infer<typeof message>;

export interface ClusterPresenceOptions {
  readonly now?: () => number;
  /** Pause between heartbeats; a replica silent for three of them drops out of the list. */
  readonly heartbeatMs?: number;
  /** How long a visit whose connection closed waits for the next page (see PresenceRegistry). */
  readonly graceMs?: number;
}

/**
 * The live visitor list across every replica. Each replica keeps the visits whose connection it
 * holds (PresenceRegistry) and tells the others over the bus whenever one changes; it lists its
 * own visits and what the others announced, and tells its consoles about changes from anywhere.
 * Memory and pub/sub only: nothing of it is stored, and a replica that died without a word drops
 * out after three missed heartbeats.
 */
export class ClusterPresence extends PresenceRegistry {
  readonly #replica = randomUUID();
  /** Per other replica, its visits by site; a replica dropped (gone or silent) takes its visits off the list. */
  readonly #remote: ProcessDirectory<Map<string, PresenceVisitor>>;
  readonly #heartbeatMs: number;
  #stopBeating: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly bus: Bus,
    options: ClusterPresenceOptions,
  ) {
    super(options.now ?? Date.now, options.graceMs ?? 30_000);
    this.#heartbeatMs = options.heartbeatMs ?? 5_000;
    this.#remote = new ProcessDirectory(this.now, 3 * this.#heartbeatMs, (_replica, sites) => {
      for (const [s, visits] of sites) if (visits.size > 0) this.notify(s);
    });
  }

  static async start(bus: Bus, options: ClusterPresenceOptions = {}): Promise<ClusterPresence> {
    const presence = new ClusterPresence(bus, options);
    presence.#unsubscribe = await bus.subscribe(CHANNEL, (text) => presence.#receive(text));
    presence.#publish({ t: "ask", replica: presence.#replica });
    presence.#stopBeating = heartbeat(presence.#heartbeatMs, () => presence.heartbeat());
    return presence;
  }

  override list(site: string): PresenceVisitor[] {
    this.#expire();
    const local = this.localList(site);
    const ids = new Set(local.map((v) => v.visitor));
    const merged = [...local];
    for (const [, sites] of this.#remote.processes()) {
      for (const v of sites.get(site)?.values() ?? []) {
        if (ids.has(v.visitor)) continue;
        ids.add(v.visitor);
        merged.push({ ...v });
      }
    }
    return merged.sort((a, b) => a.startedAt - b.startedAt);
  }

  protected override visibleSources(siteId: string): readonly ReadonlyMap<string, PresenceVisitor>[] {
    const sources = [...super.visibleSources(siteId)];
    if (sources.length === 0) sources.push(new Map());
    for (const [, sites] of this.#remote.processes()) {
      const visits = sites.get(siteId);
      if (visits && visits.size > 0) sources.push(visits);
    }
    return sources;
  }

  protected override refresh(): void {
    this.#expire();
  }

  override has(siteId: string, visitorId: string): boolean {
    this.#expire();
    return this.visibleSources(siteId).some((listed) => listed.has(visitorId));
  }

  /** Announces this replica's visits and drops replicas that stopped announcing (the timer calls it). */
  heartbeat(): void {
    this.sweep();
    const visits: Record<string, string[]> = {};
    for (const s of this.localSites()) {
      const ids = this.localList(s).map((v) => v.visitor);
      if (ids.length > 0) visits[s] = ids;
    }
    this.#publish({ t: "beat", replica: this.#replica, visits });
    this.#expire();
  }

  /** Stops announcing and tells the other replicas this one is gone (before the bus closes). */
  close(): void {
    this.#stopBeating?.();
    this.#stopBeating = undefined;
    this.#publish({ t: "gone", replica: this.#replica });
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  protected override visitChanged(siteId: string, visitorId: string, visible: PresenceVisitor | undefined): void {
    this.#publish(visible ? { t: "visit", replica: this.#replica, site: siteId, entry: visible } : { t: "left", replica: this.#replica, site: siteId, visitor: visitorId });
  }

  #receive(text: string): void {
    let m: Message;
    try {
      m = message.parse(JSON.parse(text));
    } catch {
      return; // not ours to trust: ignored
    }
    if (m.replica === this.#replica) return;
    switch (m.t) {
      case "visit":
        this.#visitsOf(m.replica, m.site).set(m.entry.visitor, { ...m.entry, name: m.entry.name ?? visitorPseudonym(m.entry.visitor) });
        return this.notify(m.site);
      case "left":
        if (this.#remote.entriesOf(m.replica)?.get(m.site)?.delete(m.visitor)) this.notify(m.site);
        return;
      case "beat":
        return this.#beat(m.replica, m.visits);
      case "ask":
        if (m.of === undefined || m.of === this.#replica) this.#announceAll();
        return;
      case "gone":
        return this.#remote.gone(m.replica);
    }
  }

  /** Keeps the replica listed; forgets visits it no longer holds and asks for ones never heard of. */
  #beat(from: string, visits: Record<string, string[]>): void {
    const sites = this.#remote.heard(from);
    let unknown = false;
    for (const [s, known] of sites) {
      const held = new Set(visits[s] ?? []);
      let changed = false;
      for (const id of [...known.keys()]) if (!held.has(id)) changed = known.delete(id) || changed;
      if (changed) this.notify(s);
    }
    for (const [s, ids] of Object.entries(visits)) if (ids.some((id) => !sites.get(s)?.has(id))) unknown = true;
    if (unknown) this.#publish({ t: "ask", replica: this.#replica, of: from });
  }

  #announceAll(): void {
    for (const s of this.localSites()) for (const v of this.localList(s)) this.#publish({ t: "visit", replica: this.#replica, site: s, entry: v });
  }

  /** Forgets replicas silent for three heartbeats and tells the consoles of their sites. */
  #expire(): void {
    this.#remote.sweep();
  }

  #visitsOf(from: string, s: string): Map<string, PresenceVisitor> {
    const sites = this.#remote.heard(from);
    let visits = sites.get(s);
    if (!visits) sites.set(s, (visits = new Map<string, PresenceVisitor>()));
    return visits;
  }

  #publish(m: Message): void {
    try {
      this.bus.publish(CHANNEL, JSON.stringify(m));
    } catch {
      // a bus that is reconnecting drops this one; the next heartbeat repairs the list
    }
  }
}
