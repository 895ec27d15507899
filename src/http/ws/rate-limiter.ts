/**
 * Token buckets for one connection: messages and bytes, each with a sustained rate and a burst.
 * `take` answers whether a frame of that size fits now; refused frames cost nothing here (the
 * connection's OffenceMeter counts them, and a frame that fits again does not forgive them).
 */
export class ConnectionRateLimiter {
  #messages: number;
  #bytes: number;
  #at: number;

  constructor(
    private readonly limits: { messagesPerSecond: number; burst: number; bytesPerSecond: number; burstBytes: number },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#messages = limits.burst;
    this.#bytes = limits.burstBytes;
    this.#at = now();
  }

  take(bytes: number): boolean {
    const t = this.now();
    const elapsed = Math.max(0, t - this.#at) / 1000;
    this.#at = t;
    const { messagesPerSecond, burst, bytesPerSecond, burstBytes } = this.limits;
    this.#messages = Math.min(burst, this.#messages + elapsed * messagesPerSecond);
    this.#bytes = Math.min(burstBytes, this.#bytes + elapsed * bytesPerSecond);
    if (this.#messages < 1 || this.#bytes < bytes) return false;
    this.#messages -= 1;
    this.#bytes -= bytes;
    return true;
  }
}
