import type { GuideTool } from "../protocol/guidance.js";
import type { Clock } from "./clock.js";

/**
 * One audit entry about guidance: who used which tool, with counts only (points of a stroke or a
 * laser gesture, the outlined node id) — never coordinates.
 */
export type GuideAuditEntry =
  | { readonly actor: string; readonly tool: Exclude<GuideTool, "clear">; readonly points?: number; readonly node?: number }
  | { readonly actor: string; readonly tool: "clear" }
  | { readonly actor: string; readonly throttled: true };

/** Entries per actor per minute at most; beyond, one `throttled` entry and silence until the minute is over. */
export const GUIDE_ENTRIES_PER_MINUTE = 60;

interface Trail {
  windowStart: number;
  written: number;
}

/**
 * Audits guidance without flooding the trail: one entry per stroke, per outline, per clear, and
 * per laser gesture (a gesture is many frames; its entry is written when it ends — its last
 * frame, another gesture, a clear, or the agent leaving — with the points it had).
 * `actor` is an agent's subject or `visitor`.
 */
export class GuideAudit {
  readonly #trails = new Map<string, Trail>();
  readonly #lasers = new Map<string, { gesture: number; points: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly write: (entry: GuideAuditEntry) => void,
  ) {}

  laser(actor: string, gesture: number, points: number, end: boolean): void {
    const open = this.#lasers.get(actor);
    if (open && open.gesture !== gesture) this.flush(actor);
    const current = this.#lasers.get(actor) ?? { gesture, points: 0 };
    current.points += points;
    this.#lasers.set(actor, current);
    if (end) this.flush(actor);
  }

  note(entry: Exclude<GuideAuditEntry, { throttled: true }>): void {
    if (entry.tool === "clear") this.flushAll();
    this.#write(entry);
  }

  /** Ends the actor's open laser gesture, if any, with its entry. */
  flush(actor: string): void {
    const open = this.#lasers.get(actor);
    if (!open) return;
    this.#lasers.delete(actor);
    this.#write({ actor, tool: "laser", points: open.points });
  }

  flushAll(): void {
    for (const actor of [...this.#lasers.keys()]) this.flush(actor);
  }

  #write(entry: Exclude<GuideAuditEntry, { throttled: true }>): void {
    const now = this.clock.now();
    let trail = this.#trails.get(entry.actor);
    if (!trail || now - trail.windowStart >= 60_000) this.#trails.set(entry.actor, (trail = { windowStart: now, written: 0 }));
    trail.written++;
    if (trail.written <= GUIDE_ENTRIES_PER_MINUTE) this.write(entry);
    else if (trail.written === GUIDE_ENTRIES_PER_MINUTE + 1) this.write({ actor: entry.actor, throttled: true });
  }

  forget(): void {
    this.#trails.clear();
    this.#lasers.clear();
  }
}
