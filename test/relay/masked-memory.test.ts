import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Masked and nosync content is dropped on arrival, also from the relay's memory: nothing the
// session keeps for the life of a session (shadow index, latest snapshot, changes since) may hold
// on to the raw page it was parsed from. The visible string is the control: the sanitized page
// the session keeps for late joiners does contain it, so the heap search can find what is there.

describe("relay memory", () => {
  it("holds no masked or nosync content once a snapshot and an added subtree are processed", () => {
    const probe = path.resolve("test/relay/helpers/masked-memory-probe.mjs");
    const run = spawnSync(process.execPath, [probe], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ visible: true, nosyncSnapshot: false, maskedSnapshot: false, maskedAdded: false, customTagAdded: false });
  }, 70_000);
});
