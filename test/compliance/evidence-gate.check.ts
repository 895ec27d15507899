import { describe, expect, it } from "vitest";
import { collectEvidence } from "./evidence/pointers.js";
import { readOutcomes } from "./evidence/report.js";
import { unresolvedPointers } from "./evidence/resolve.js";
import { repoRoot } from "./source-scan.js";

// Run by scripts/test.sh after the whole suite, on the runner's JSON report of that run: every
// evidence pointer of the compliance pack must name exactly one test that ran and passed.

const reportPath = process.env.AIRLOCK_TEST_REPORT;

describe("evidence gate: every evidence pointer names one test that ran and passed", () => {
  it("has the report of the whole suite", () => {
    expect(reportPath, "AIRLOCK_TEST_REPORT names the runner's JSON report").toBeTruthy();
  });

  it("resolves every pointer of the ASVS mapping, SoA, TOMs, retention schedule, claims and invariants", () => {
    const { pointers, unnamed } = collectEvidence(repoRoot);
    const outcomes = readOutcomes(reportPath as string, repoRoot);
    expect(pointers.length).toBeGreaterThan(50);
    expect([...unnamed, ...unresolvedPointers(pointers, outcomes)]).toEqual([]);
  });
});
