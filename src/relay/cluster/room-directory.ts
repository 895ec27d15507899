import type { RoomSummary } from "./envelopes.js";

/**
 * Every live co-browse room in the cluster, as announced over the bus by the replica that owns
 * it. Owners re-announce periodically; an entry that is not refreshed in time (its replica died)
 * disappears, so the console never lists a room nobody holds.
 */
export class RoomDirectory {
  readonly #rooms = new Map<string, { summary: RoomSummary; seenAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  /** False when an announcement from an owner that has since lost the session (lower epoch) is ignored. */
  put(summary: RoomSummary): boolean {
    const known = this.#rooms.get(summary.room)?.summary;
    if (known && known.owner !== summary.owner && (known.epoch ?? 0) > (summary.epoch ?? 0)) return false;
    if (summary.state === "ended") this.#rooms.delete(summary.room);
    else this.#rooms.set(summary.room, { summary, seenAt: this.now() });
    return true;
  }

  remove(room: string): void {
    this.#rooms.delete(room);
  }

  get(room: string): RoomSummary | undefined {
    const entry = this.#rooms.get(room);
    if (!entry) return undefined;
    if (this.now() - entry.seenAt > this.ttlMs) {
      this.#rooms.delete(room);
      return undefined;
    }
    return entry.summary;
  }

  /** The room of a visit (its current one, or the one its next session will open). */
  byVisit(visit: string): RoomSummary | undefined {
    for (const [room, entry] of this.#rooms) if (entry.summary.visit === visit) return this.get(room);
    return undefined;
  }

  list(): RoomSummary[] {
    const out: RoomSummary[] = [];
    for (const room of [...this.#rooms.keys()]) {
      const summary = this.get(room);
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => a.since - b.since);
  }
}
