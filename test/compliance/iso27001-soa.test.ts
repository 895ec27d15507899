import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { z } from "zod";
import { soaEvidenceSchema } from "./evidence/pointers.js";
import { repoRoot } from "./source-scan.js";

const soa = z
  .object({
    version: z.literal(1),
    standard: z.literal("ISO/IEC 27001:2022 Annex A"),
    controls: z.record(
      z.string(),
      z
        .object({
          title: z.string().min(5),
          applicable: z.boolean(),
          responsibility: z.enum(["airlock", "operator", "shared"]),
          justification: z.string().min(10),
          evidence: soaEvidenceSchema,
        })
        .strict()
        .refine((c) => c.responsibility === "operator" || c.evidence.length > 0, "controls Airlock takes part in need evidence"),
    ),
  })
  .strict()
  .parse(YAML.parse(readFileSync(path.join(repoRoot, "compliance/iso27001-soa.yaml"), "utf8")));

// Annex A of ISO/IEC 27001:2022: 37 organizational, 8 people, 14 physical, 34 technological controls.
const annexA = [...[5, 37], ...[6, 8], ...[7, 14], ...[8, 34]].reduce<string[]>((ids, _v, i, all) => {
  if (i % 2 === 0) for (let n = 1; n <= (all[i + 1] as number); n++) ids.push(`${all[i] as number}.${n}`);
  return ids;
}, []);

describe("ISO 27001 statement of applicability (compliance/iso27001-soa.yaml)", () => {
  it("covers exactly the 93 Annex A controls", () => {
    expect(annexA).toHaveLength(93);
    expect(Object.keys(soa.controls).sort()).toEqual([...annexA].sort());
  });

  it("points only at evidence that exists in the repository", () => {
    const missing = Object.entries(soa.controls).flatMap(([id, c]) => c.evidence.map((e) => (typeof e === "string" ? e : e.file)).filter((e) => !existsSync(path.join(repoRoot, e))).map((e) => `${id}: ${e}`));
    expect(missing).toEqual([]);
  });
});
