import type { CobrowseMode } from "../protocol/fields.js";

/**
 * When a "no" of the visitor (to sharing, control or a watcher) lets the same question be asked
 * again. It belongs to the visit, not the room: leaving and starting a new session does not
 * reset it.
 */
export class ConsentPause {
  readonly #until = new Map<CobrowseMode, number>();

  constructor(readonly pauseMs: number) {}

  /** The visitor said no to `mode` at `now`. */
  said(mode: CobrowseMode, now: number): void {
    this.#until.set(mode, now + this.pauseMs);
  }

  /** Milliseconds until `mode` may be asked again (0: now). */
  remainingMs(mode: CobrowseMode, now: number): number {
    return Math.max(0, (this.#until.get(mode) ?? 0) - now);
  }
}
