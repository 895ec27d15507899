import type { Logger } from "../../ops/log.js";
import type { Clock } from "../clock.js";
import type { Visit } from "../visit.js";
import type { SharedVisit, SharedVisitData, VisitStore } from "./shared-visit.js";

/**
 * Keeps the shared visit store current for the visits this server process owns: one write at a
 * time per visit, the latest facts winning, each fenced by the visit's epoch. A write refused
 * because another server process took the visit over reports the visit lost; a visit the store
 * forgot (Redis restarted empty) is written again as it is.
 */
export class VisitSharing {
  readonly #writing = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(
    readonly store: VisitStore,
    private readonly replica: string,
    private readonly log: Logger,
    private readonly lost: (visit: Visit) => void,
    /** The sessions' clock (consent pauses run on it). */
    private readonly clock: Clock,
  ) {}

  /** The record of `visit` as this server process holds it. */
  record(visit: Visit): SharedVisit {
    const session = visit.room?.sharedState();
    const paused = visit.consentPause.shared(this.clock.now(), Date.now());
    const data: SharedVisitData = {
      room: visit.cobrowseSessionId,
      roomSince: Math.max(0, Math.round(visit.sessionSince)),
      ...(session ? { session } : {}),
      ...(paused.view !== undefined || paused.control !== undefined ? { paused } : {}),
    };
    return { visit: visit.id, site: visit.siteId, owner: this.replica, epoch: visit.epoch, data };
  }

  /** The visit's facts changed (or are due for renewal): written once the write before is done. */
  changed(visit: Visit): Promise<void> {
    const running = this.#writing.get(visit.id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = this.#write(visit, entry).finally(() => this.#writing.delete(visit.id));
    this.#writing.set(visit.id, entry);
    return entry.done;
  }

  async #write(visit: Visit, entry: { again: boolean }): Promise<void> {
    do {
      entry.again = false;
      if (visit.ended) return;
      try {
        const record = this.record(visit);
        if (await this.store.save(record, visit.tokenHash)) continue;
        const now = await this.store.read(visit.id);
        if (now) {
          if (visit.ended) return;
          this.log.info({ visit: visit.id, owner: now.owner, epoch: now.epoch }, "visit continues on another server process");
          return this.lost(visit);
        }
        await this.store.create(record, visit.tokenHash);
      } catch (err) {
        // Redis unreachable: the visit goes on here; the next change or renewal writes it.
        this.log.warn({ err: err instanceof Error ? err.name : typeof err }, "visit store write failed");
        return;
      }
    } while (entry.again);
  }

  /** Whether this server process still owns the visit (the store says who does). */
  async owns(visit: Visit): Promise<boolean> {
    try {
      const now = await this.store.read(visit.id);
      return now === undefined || (now.owner === this.replica && now.epoch === visit.epoch);
    } catch {
      return true;
    }
  }

  /** The visit is over: its record and token go, if this server process still owns it. */
  async ended(visit: Visit): Promise<void> {
    await this.#writing.get(visit.id)?.done;
    await this.store.remove(visit.id, this.replica, visit.epoch).catch((err: unknown) => {
      this.log.warn({ err: err instanceof Error ? err.name : typeof err }, "visit store removal failed");
    });
  }
}
