import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { z } from "zod";
import { repoRoot } from "./source-scan.js";

const evidence = z.object({ file: z.string(), test: z.string().min(10) }).strict();
const mappingSchema = z
  .object({
    version: z.literal(1),
    standard: z.literal("OWASP ASVS 5.0.0"),
    requirements: z.record(
      z.string(),
      z
        .object({ status: z.enum(["verified", "partial", "operator"]), summary: z.string().min(20), evidence: z.array(evidence) })
        .strict()
        .refine((r) => r.status === "operator" || r.evidence.length > 0, "verified and partial requirements need evidence"),
    ),
  })
  .strict();

const mapping = mappingSchema.parse(YAML.parse(readFileSync(path.join(repoRoot, "compliance/asvs-mapping.yaml"), "utf8")));
const corpus = JSON.parse(readFileSync(path.join(repoRoot, "test/corpora/asvs/asvs-5.0.0.flat.json"), "utf8")) as { requirements: { req_id: string }[] };
const corpusIds = new Set(corpus.requirements.map((r) => r.req_id));

describe("ASVS mapping (compliance/asvs-mapping.yaml)", () => {
  it("names only requirements that exist in ASVS 5.0.0", () => {
    expect(Object.keys(mapping.requirements).filter((id) => !corpusIds.has(id))).toEqual([]);
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
      r.evidence.filter((e) => !/^(test|src)\/.+\.test\.ts$/.test(e.file) || !existsSync(path.join(repoRoot, e.file))).map((e) => `${id}: ${e.file} is not a test file`),
    );
    expect(problems).toEqual([]);
  });
});
