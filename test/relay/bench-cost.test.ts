import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// `node bench/relay/cost.mjs` (where the relay's CPU goes per recorded frame) with the smallest
// bound: every figure is produced, as a finite positive number, from valid streams. Never how fast.

describe("bench/relay/cost.mjs", () => {
  it("prints every figure from the recorded streams without a refused frame", () => {
    const run = spawnSync(process.execPath, [path.resolve("bench/relay/cost.mjs"), "--repeats", "1"], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const figures = JSON.parse(run.stdout) as Record<string, number>;
    expect(figures.frame_errors).toBe(0);
    for (const key of ["frames", "added_subtrees", "frame_parse_us", "room_us", "room_sanitizing_adds_share", "sanitize_html_alone_us", "sanitize_html_discard_all_us", "tokenize_only_us"]) {
      expect([key, figures[key]]).toSatisfy(([, v]: [string, unknown]) => typeof v === "number" && Number.isFinite(v) && v > 0);
    }
  }, 70_000);

  it("refuses a bad bound with a message", () => {
    const run = spawnSync(process.execPath, [path.resolve("bench/relay/cost.mjs"), "--repeats", "0"], { encoding: "utf8", timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--repeats takes a number from 1 to 200");
  }, 70_000);
});
