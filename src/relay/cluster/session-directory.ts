import { ProcessDirectory } from "../../bus/process-directory.js";
import type { RoomSummary } from "./envelopes.js";

interface Listed {
  readonly summary: RoomSummary;
  readonly seenAt: number;
}

/**
 * Every live co-browse session in the cluster, as announced over the bus by the server process
 * that owns it (the shared ProcessDirectory: one entry per session under its owner). Owners
 * re-announce periodically; a session not re-announced in time, or whose owner went silent (it
 * died), disappears, so the console never lists a session nobody holds.
 */
export class CobrowseSessionDirectory {
  readonly #owners: ProcessDirectory<Listed>;
  /** The owner each listed session is filed under. */
  readonly #ownerOf = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {
    this.#owners = new ProcessDirectory(now, ttlMs, (owner, sessions) => {
      for (const session of sessions.keys()) if (this.#ownerOf.get(session) === owner) this.#ownerOf.delete(session);
    });
  }

  /** False when an announcement from an owner that has since lost the session (lower epoch) is ignored. */
  put(summary: RoomSummary): boolean {
    const known = this.get(summary.room);
    if (known && known.owner !== summary.owner && (known.epoch ?? 0) > (summary.epoch ?? 0)) return false;
    if (known && known.owner !== summary.owner) this.remove(summary.room);
    const sessions = this.#owners.heard(summary.owner);
    if (summary.state === "ended") {
      sessions.delete(summary.room);
      this.#ownerOf.delete(summary.room);
    } else {
      sessions.set(summary.room, { summary, seenAt: this.now() });
      this.#ownerOf.set(summary.room, summary.owner);
    }
    return true;
  }

  /** The process was heard from without announcing a session (it asked for the directory). */
  heard(process: string): void {
    this.#owners.heard(process);
  }

  /** Whether a server process was heard from lately (it announces its sessions every few seconds). */
  alive(process: string): boolean {
    return this.#owners.alive(process);
  }

  remove(session: string): void {
    const owner = this.#ownerOf.get(session);
    if (owner === undefined) return;
    this.#ownerOf.delete(session);
    this.#owners.delete(owner, session);
  }

  get(session: string): RoomSummary | undefined {
    const owner = this.#ownerOf.get(session);
    const entry = owner === undefined ? undefined : this.#owners.entriesOf(owner)?.get(session);
    if (!entry) {
      this.#ownerOf.delete(session);
      return undefined;
    }
    // A session its owner stopped announcing (a missed `gone`) goes too.
    if (this.now() - entry.seenAt > this.ttlMs) {
      this.remove(session);
      return undefined;
    }
    return entry.summary;
  }

  /** The session of a visit (its current one, or the one its next session will open). */
  byVisit(visit: string): RoomSummary | undefined {
    for (const [, sessions] of this.#owners.processes()) for (const [session, entry] of sessions) if (entry.summary.visit === visit) return this.get(session);
    return undefined;
  }

  list(): RoomSummary[] {
    const out: RoomSummary[] = [];
    for (const session of [...this.#ownerOf.keys()]) {
      const summary = this.get(session);
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => a.since - b.since);
  }
}
