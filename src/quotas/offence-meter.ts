/**
 * Refusals for rate or quota on one connection, forgiven only by time: each refusal adds one,
 * and the count drains at `limit` per `windowMs`. Unlike a run of refusals in a row, a frame that
 * fits again (one refilled token) forgives nothing, so a client that keeps pushing against its
 * limits is closed however it paces itself.
 */
export class OffenceMeter {
  #level = 0;
  #at: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#at = now();
  }

  /** Records one refusal; true when the connection has now offended too often and must be closed. */
  offend(): boolean {
    const t = this.now();
    const drained = (Math.max(0, t - this.#at) * this.limit) / this.windowMs;
    this.#at = t;
    this.#level = Math.max(0, this.#level - drained) + 1;
    return this.#level > this.limit;
  }

  /** The current count (tests). */
  get level(): number {
    return this.#level;
  }
}
