import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { z } from "zod";
import { repoRoot } from "./source-scan.js";

const evidence = z.object({ file: z.string(), test: z.string().min(10) }).strict();
const summary = z.string().min(20);
// verified: a named test fails if the control breaks. partial: the summary says what is left.
// operator: the summary says how the operator's deployment meets it. not-applicable: the reason
// says why Airlock has nothing the requirement could apply to.
const requirementSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("verified"), summary, evidence: z.array(evidence).min(1, "a verified requirement names the tests that show it") }).strict(),
  z.object({ status: z.literal("partial"), summary, evidence: z.array(evidence) }).strict(),
  z.object({ status: z.literal("operator"), summary, evidence: z.array(evidence) }).strict(),
  z.object({ status: z.literal("not-applicable"), reason: z.string().min(20, "a not-applicable requirement says why") }).strict(),
]);
const mappingSchema = z
  .object({
    version: z.literal(1),
    standard: z.literal("OWASP ASVS 5.0.0"),
    /** Every requirement up to this ASVS level must be mapped. */
    targetLevel: z.literal(2),
    requirements: z.record(z.string(), requirementSchema),
  })
  .strict();

const mapping = mappingSchema.parse(YAML.parse(readFileSync(path.join(repoRoot, "compliance/asvs-mapping.yaml"), "utf8")));
const corpus = JSON.parse(readFileSync(path.join(repoRoot, "test/corpora/asvs/asvs-5.0.0.flat.json"), "utf8")) as { requirements: { req_id: string; L: string }[] };
const corpusIds = new Set(corpus.requirements.map((r) => r.req_id));

describe("ASVS mapping (compliance/asvs-mapping.yaml)", () => {
  it("names only requirements that exist in ASVS 5.0.0", () => {
    expect(Object.keys(mapping.requirements).filter((id) => !corpusIds.has(id))).toEqual([]);
  });

  it("maps every requirement of ASVS 5.0.0 up to the target level", () => {
    const due = corpus.requirements.filter((r) => Number(r.L) <= mapping.targetLevel).map((r) => r.req_id);
    expect(due.length).toBe(253);
    expect(due.filter((id) => !(id in mapping.requirements))).toEqual([]);
  });

  it("is ordered by requirement id", () => {
    const key = (id: string) => id.slice(1).split(".").map(Number);
    const byId = (a: string, b: string) => key(a).reduce((d, n, i) => d || n - (key(b)[i] ?? 0), 0);
    const ids = Object.keys(mapping.requirements);
    expect(ids).toEqual([...ids].sort(byId));
  });

  it("maps every ASVS id that a shipped policy rule cites", () => {
    const cited = new Set<string>();
    for (const file of readdirSync(path.join(repoRoot, "policies")).filter((f) => f.endsWith(".yaml"))) {
      for (const m of readFileSync(path.join(repoRoot, "policies", file), "utf8").matchAll(/\bV\d+\.\d+\.\d+\b/g)) cited.add(m[0]);
    }
    expect([...cited].filter((id) => !(id in mapping.requirements)).sort()).toEqual([]);
  });

  // That each named test ran and passed is checked after the whole suite, on the runner's report
  // (test/compliance/evidence-gate.check.ts); a name found only as text proves nothing.
  it("points every piece of evidence at an existing test file", () => {
    const problems = Object.entries(mapping.requirements).flatMap(([id, r]) =>
      ("evidence" in r ? r.evidence : []).filter((e) => !/^(test|src)\/.+\.test\.ts$/.test(e.file) || !existsSync(path.join(repoRoot, e.file))).map((e) => `${id}: ${e.file} is not a test file`),
    );
    expect(problems).toEqual([]);
  });
});
