import { describe, expect, it } from "vitest";
import { OffenceMeter } from "./offence-meter.js";

describe("OffenceMeter", () => {
  it("closes after more than `limit` refusals within the window, however they are paced", () => {
    let t = 0;
    const meter = new OffenceMeter(10, 60_000, () => t);
    // A refusal every 100 ms: the tokens refilled between them forgive nothing.
    const verdicts = Array.from({ length: 12 }, () => ((t += 100), meter.offend()));
    expect(verdicts.indexOf(true)).toBe(10);
  });

  it("forgives with time: refusals spread wider than the window never close", () => {
    let t = 0;
    const meter = new OffenceMeter(10, 60_000, () => t);
    for (let i = 0; i < 1_000; i++) {
      t += 6_000; // the drain rate exactly
      expect(meter.offend()).toBe(false);
    }
  });
});
