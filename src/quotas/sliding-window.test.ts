import { describe, expect, it } from "vitest";
import { SlidingWindow } from "./sliding-window.js";

describe("SlidingWindow", () => {
  it("allows `limit` events per key within the window, then again as old events leave it", () => {
    let t = 0;
    const w = new SlidingWindow(3, 60_000, () => t);
    expect([w.take("a"), w.take("a"), w.take("a"), w.take("a")]).toEqual([true, true, true, false]);
    expect(w.take("b")).toBe(true);
    t = 60_001;
    expect(w.take("a")).toBe(true);
  });

  it("a refused event is not recorded", () => {
    let t = 0;
    const w = new SlidingWindow(1, 1_000, () => t);
    w.take("a");
    for (let i = 0; i < 5; i++) {
      t += 100;
      w.take("a");
    }
    t = 1_001;
    expect(w.take("a")).toBe(true);
  });

  it("keeps at most maxKeys keys", () => {
    const t = 0;
    const w = new SlidingWindow(5, 60_000, () => t, 100);
    for (let i = 0; i < 1_000; i++) w.take(`k${i}`);
    expect(w.size).toBeLessThanOrEqual(100);
  });
});
