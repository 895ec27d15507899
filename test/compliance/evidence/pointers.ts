import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";

// Every place in the compliance pack that says "this test shows it". Each pointer names a test
// file and one test in it; the evidence gate (evidence-gate.check.ts) resolves each against the
// runner's report of the whole suite.

export interface EvidencePointer {
  /** Where the pointer is written: document and entry, for the error message. */
  readonly source: string;
  readonly file: string;
  readonly test: string;
}

export const testPointerSchema = z
  .object({ file: z.string().regex(/^(test|src)\/.+\.test\.ts$/, "a test file under test/ or src/"), test: z.string().min(10) })
  .strict();

// A not-applicable requirement has a reason and no evidence.
const asvsSchema = z.object({ requirements: z.record(z.string(), z.object({ evidence: z.array(testPointerSchema).default([]) }).passthrough()) }).passthrough();

/** SoA evidence is a document path or a named test; a bare test file is refused (it names no test). */
const soaEvidence = z.union([
  z.string().refine((p) => !p.endsWith(".test.ts"), "a test file must be given as { file, test } naming the test"),
  testPointerSchema,
]);
export const soaEvidenceSchema = z.array(soaEvidence);
const soaSchema = z.object({ controls: z.record(z.string(), z.object({ evidence: soaEvidenceSchema }).passthrough()) }).passthrough();

export const claimSchema = z
  .object({
    claim: z.string().min(10),
    responsibility: z.enum(["airlock", "operator", "shared"]),
    control: z.string().min(10),
    /** The setting that turns the control on or tunes it, or "none" with why. */
    configuration: z.string().min(4),
    /** partial: part of the claim is not yet true; `gap` says which part. */
    status: z.enum(["met", "partial"]).default("met"),
    gap: z.string().min(10).optional(),
    tests: z.array(testPointerSchema),
    documents: z.array(z.string()).default([]),
  })
  .strict()
  .refine((c) => c.responsibility === "operator" || c.tests.length > 0, "a claim Airlock takes part in needs tests")
  .refine((c) => (c.status === "partial") === (c.gap !== undefined), "a partial claim names its gap, and only a partial one");
export const claimsSchema = z.object({ version: z.literal(1), claims: z.record(z.string(), claimSchema) }).strict();

export const invariantSchema = z.object({ statement: z.string().min(10), tests: z.array(testPointerSchema).min(1) }).strict();
export const invariantsSchema = z.object({ version: z.literal(1), invariants: z.record(z.string(), invariantSchema) }).strict();

/** Markdown evidence: a backticked test path followed by the test's name in double quotes. */
export function markdownPointers(source: string, text: string): { pointers: EvidencePointer[]; unnamed: string[] } {
  const pointers: EvidencePointer[] = [];
  const unnamed: string[] = [];
  for (const m of text.matchAll(/`((?:test|src)\/[^`\s]+\.test\.ts)`(?:\s*"([^"]+)")?/g)) {
    const [, file, test] = m as unknown as [string, string, string | undefined];
    if (test === undefined) unnamed.push(`${source}: ${file} names no test`);
    else pointers.push({ source, file, test });
  }
  return { pointers, unnamed };
}

/** Evidence documents, relative to the repository root. */
export const EVIDENCE_SOURCES = {
  asvs: "compliance/asvs-mapping.yaml",
  soa: "compliance/iso27001-soa.yaml",
  claims: "compliance/claims.yaml",
  invariants: "compliance/invariants.yaml",
  markdown: ["compliance/toms.md", "compliance/retention-schedule.md"],
} as const;

export interface CollectedEvidence {
  readonly pointers: EvidencePointer[];
  /** Test references that name no test (a markdown path without a quoted name). */
  readonly unnamed: string[];
}

export function collectEvidence(repoRoot: string): CollectedEvidence {
  const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
  const yaml = (file: string) => YAML.parse(read(file)) as unknown;
  const pointers: EvidencePointer[] = [];
  const unnamed: string[] = [];
  const add = (source: string, list: readonly z.infer<typeof testPointerSchema>[]) => {
    for (const p of list) pointers.push({ source, ...p });
  };

  for (const [id, r] of Object.entries(asvsSchema.parse(yaml(EVIDENCE_SOURCES.asvs)).requirements)) add(`${EVIDENCE_SOURCES.asvs} ${id}`, r.evidence);
  for (const [id, c] of Object.entries(soaSchema.parse(yaml(EVIDENCE_SOURCES.soa)).controls)) {
    add(`${EVIDENCE_SOURCES.soa} ${id}`, c.evidence.filter((e) => typeof e !== "string"));
  }
  for (const [id, c] of Object.entries(claimsSchema.parse(yaml(EVIDENCE_SOURCES.claims)).claims)) add(`${EVIDENCE_SOURCES.claims} ${id}`, c.tests);
  for (const [id, i] of Object.entries(invariantsSchema.parse(yaml(EVIDENCE_SOURCES.invariants)).invariants)) {
    add(`${EVIDENCE_SOURCES.invariants} ${id}`, i.tests);
  }
  for (const file of EVIDENCE_SOURCES.markdown) {
    const found = markdownPointers(file, read(file));
    pointers.push(...found.pointers);
    unnamed.push(...found.unnamed);
  }
  return { pointers, unnamed };
}
