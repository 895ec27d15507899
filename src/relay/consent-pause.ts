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

  /**
   * Wall-clock ms until which each paused mode waits (`now` on the pause's clock, `wallNow` on
   * the wall clock): what another server process needs to keep the pause after a takeover.
   */
  shared(now: number, wallNow: number): { view?: number; control?: number } {
    const out: { view?: number; control?: number } = {};
    for (const mode of ["view", "control"] as const) {
      const left = this.remainingMs(mode, now);
      if (left > 0) out[mode] = Math.round(wallNow + left);
    }
    return out;
  }

  /** Continues a pause another server process kept (see `shared`). */
  restore(until: { view?: number; control?: number }, now: number, wallNow: number): void {
    for (const mode of ["view", "control"] as const) {
      const at = until[mode];
      if (at !== undefined && at > wallNow) this.#until.set(mode, now + (at - wallNow));
    }
  }

  /** Milliseconds until `mode` may be asked again (0: now). */
  remainingMs(mode: CobrowseMode, now: number): number {
    return Math.max(0, (this.#until.get(mode) ?? 0) - now);
  }
}
