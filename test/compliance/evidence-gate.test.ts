import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvidence, markdownPointers, soaEvidenceSchema, type EvidencePointer } from "./evidence/pointers.js";
import { outcomesOf, type TestOutcome } from "./evidence/report.js";
import { resolvePointer } from "./evidence/resolve.js";
import { repoRoot } from "./source-scan.js";

// Tests of the evidence gate: what an auditor would try (point at a comment, skip the test, point
// at a test that fails or is ambiguous) must each be refused, on a report the real runner wrote.

const FIXTURE = "test/compliance/evidence/fixture/evidence-sample.fixture.ts";
let dir: string;
let outcomes: TestOutcome[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "airlock-evidence-"));
  const config = path.join(dir, "fixture.config.mjs");
  writeFileSync(config, `export default { test: { root: ${JSON.stringify(repoRoot)}, include: [${JSON.stringify(FIXTURE)}] } };\n`);
  const report = path.join(dir, "report.json");
  try {
    execFileSync("npx", ["vitest", "run", "--config", config, "--reporter=json", `--outputFile.json=${report}`], { cwd: repoRoot, stdio: "ignore" });
  } catch {
    // The fixture has a failing test on purpose; the report is what matters.
  }
  outcomes = outcomesOf(JSON.parse(readFileSync(report, "utf8")), repoRoot);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pointer = (test: string, file = FIXTURE): EvidencePointer => ({ source: "sample", file, test });

describe("evidence gate", () => {
  it("accepts a pointer to one test that ran and passed, by title or full name", () => {
    expect(resolvePointer(pointer("passes and is named once"), outcomes)).toBeUndefined();
    expect(resolvePointer(pointer("sample passes and is named once"), outcomes)).toBeUndefined();
    expect(resolvePointer(pointer("per dialect [postgres] runs once per dialect"), outcomes)).toBeUndefined();
  });

  it("refuses a pointer at a name that is only in a comment", () => {
    expect(resolvePointer(pointer("refuses a forged token"), outcomes)).toMatch(/no test has this name/);
  });

  it("refuses a pointer at a skipped, todo or failing test", () => {
    expect(resolvePointer(pointer("is skipped but named"), outcomes)).toMatch(/did not pass \((skipped|pending)\)/);
    expect(resolvePointer(pointer("is only a todo"), outcomes)).toMatch(/did not pass/);
    expect(resolvePointer(pointer("fails when run"), outcomes)).toMatch(/did not pass \(failed\)/);
  });

  it("refuses an ambiguous name and a file that did not run", () => {
    expect(resolvePointer(pointer("runs once per dialect"), outcomes)).toMatch(/2 tests have this name/);
    expect(resolvePointer(pointer("passes and is named once", "test/nowhere.test.ts"), outcomes)).toMatch(/no test of this file ran/);
  });

  it("reads markdown evidence and reports a test path that names no test", () => {
    const md = "| a | `test/x.test.ts` \"does the thing\", `test/y.test.ts` |";
    const found = markdownPointers("toms.md", md);
    expect(found.pointers).toEqual([{ source: "toms.md", file: "test/x.test.ts", test: "does the thing" }]);
    expect(found.unnamed).toEqual(["toms.md: test/y.test.ts names no test"]);
  });

  it("refuses a bare test file as SoA evidence, accepts documents and named tests", () => {
    expect(soaEvidenceSchema.safeParse(["test/audit/trail.test.ts"]).success).toBe(false);
    expect(soaEvidenceSchema.safeParse(["SECURITY.md", { file: "test/audit/trail.test.ts", test: "verifies a chain" }]).success).toBe(true);
  });

  it("collects every pointer of the shipped pack, each in a test file that exists", () => {
    const { pointers, unnamed } = collectEvidence(repoRoot);
    expect(unnamed).toEqual([]);
    expect(pointers.filter((p) => !existsSync(path.join(repoRoot, p.file))).map((p) => `${p.source}: ${p.file}`)).toEqual([]);
  });
});
