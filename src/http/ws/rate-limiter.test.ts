import { describe, expect, it } from "vitest";
import { ConnectionRateLimiter } from "./rate-limiter.js";

describe("ConnectionRateLimiter", () => {
  const limits = { messagesPerSecond: 10, burst: 20, bytesPerSecond: 1000, burstBytes: 2000 };

  it("allows the burst, then refuses until time refills the bucket", () => {
    let t = 0;
    const limiter = new ConnectionRateLimiter(limits, () => t);
    for (let i = 0; i < 20; i++) expect(limiter.take(1)).toBe(true);
    expect(limiter.take(1)).toBe(false);
    t += 100; // one message's worth at 10/s
    expect(limiter.take(1)).toBe(true);
    expect(limiter.take(1)).toBe(false);
  });

  it("limits bytes independently of message count", () => {
    let t = 0;
    const limiter = new ConnectionRateLimiter(limits, () => t);
    expect(limiter.take(1500)).toBe(true);
    expect(limiter.take(600)).toBe(false);
    t += 100;
    expect(limiter.take(600)).toBe(true);
  });

  it("never refills beyond the burst, however long the pause", () => {
    let t = 0;
    const limiter = new ConnectionRateLimiter(limits, () => t);
    t += 3_600_000;
    for (let i = 0; i < 20; i++) expect(limiter.take(1)).toBe(true);
    expect(limiter.take(1)).toBe(false);
  });
});
