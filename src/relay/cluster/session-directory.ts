import type { RoomSummary } from "./envelopes.js";

/**
 * Every live co-browse session in the cluster, as announced over the bus by the replica that owns
 * it. Owners re-announce periodically; an entry that is not refreshed in time (its replica died)
 * disappears, so the console never lists a session nobody holds.
 */
export class CobrowseSessionDirectory {
  readonly #sessions = new Map<string, { summary: RoomSummary; seenAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  /** False when an announcement from an owner that has since lost the session (lower epoch) is ignored. */
  put(summary: RoomSummary): boolean {
    const known = this.#sessions.get(summary.room)?.summary;
    if (known && known.owner !== summary.owner && (known.epoch ?? 0) > (summary.epoch ?? 0)) return false;
    if (summary.state === "ended") this.#sessions.delete(summary.room);
    else this.#sessions.set(summary.room, { summary, seenAt: this.now() });
    return true;
  }

  remove(session: string): void {
    this.#sessions.delete(session);
  }

  get(session: string): RoomSummary | undefined {
    const entry = this.#sessions.get(session);
    if (!entry) return undefined;
    if (this.now() - entry.seenAt > this.ttlMs) {
      this.#sessions.delete(session);
      return undefined;
    }
    return entry.summary;
  }

  /** The session of a visit (its current one, or the one its next session will open). */
  byVisit(visit: string): RoomSummary | undefined {
    for (const [session, entry] of this.#sessions) if (entry.summary.visit === visit) return this.get(session);
    return undefined;
  }

  list(): RoomSummary[] {
    const out: RoomSummary[] = [];
    for (const session of [...this.#sessions.keys()]) {
      const summary = this.get(session);
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => a.since - b.since);
  }
}
