/**
 * Counts events per key over a sliding window (exact: the times of the last `limit` events of
 * each key). Memory is bounded: at most `maxKeys` keys; when full, keys whose events have all left
 * the window are dropped first, then the least recently used.
 */
export class SlidingWindow {
  readonly #events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Whether one more event for `key` fits now (nothing is recorded). */
  allows(key: string): boolean {
    return this.#recent(key).length < this.limit;
  }

  /** Records an event for `key` when it fits; false (and nothing recorded) when the window is full. */
  take(key: string): boolean {
    if (!this.allows(key)) return false;
    this.record(key);
    return true;
  }

  /** Records an event for `key` (after the caller checked `allows` and did the work). */
  record(key: string): void {
    const times = this.#recent(key);
    times.push(this.now());
    if (times.length > this.limit) times.splice(0, times.length - this.limit);
    this.#events.delete(key); // re-insert: Map order is least recently used first
    this.#events.set(key, times);
    if (this.#events.size > this.maxKeys) this.#evict();
  }

  /** Keys tracked now (tests, metrics). */
  get size(): number {
    return this.#events.size;
  }

  #recent(key: string): number[] {
    const times = this.#events.get(key);
    if (!times) return [];
    const from = this.now() - this.windowMs;
    while (times.length > 0 && (times[0] ?? 0) <= from) times.shift();
    return times;
  }

  #evict(): void {
    const from = this.now() - this.windowMs;
    for (const [key, times] of this.#events) if ((times[times.length - 1] ?? 0) <= from) this.#events.delete(key);
    for (const key of this.#events.keys()) {
      if (this.#events.size <= this.maxKeys) break;
      this.#events.delete(key);
    }
  }
}
