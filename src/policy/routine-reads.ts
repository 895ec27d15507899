// Routine reads: the lists a console page refreshes while it is open (chats in progress, live
// statistics, live sessions). Auditing every refresh of an audited action would flood the trail
// with one entry every few seconds per open page and bury the entries that matter. For such a
// route the allowed decision is written once per agent and route per window; denials are
// written every time.

/** How long one audited routine read stands for the same agent's later reads of that route. */
export const ROUTINE_READ_WINDOW_MS = 15 * 60_000;
/** Bounds the memory: at most this many (agent, route) pairs are remembered. */
const MAX_REMEMBERED = 10_000;

export class RoutineReads {
  readonly #lastAudited = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = ROUTINE_READ_WINDOW_MS,
  ) {}

  /** True when this read must be audited (the first in the window); remembers it if so. */
  shouldAudit(subject: string, route: string): boolean {
    const key = `${subject}\n${route}`;
    const at = this.now();
    const last = this.#lastAudited.get(key);
    if (last !== undefined && at - last < this.windowMs) return false;
    this.#lastAudited.delete(key);
    if (this.#lastAudited.size >= MAX_REMEMBERED) {
      // Oldest first (insertion order): forgetting one only means its next read is audited again.
      const oldest = this.#lastAudited.keys().next().value;
      if (oldest !== undefined) this.#lastAudited.delete(oldest);
    }
    this.#lastAudited.set(key, at);
    return true;
  }
}
