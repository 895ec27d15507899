import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { GENERATED_FILES, proseOf, renderFile } from "../../scripts/compliance-tables.js";
import { repoRoot } from "./source-scan.js";

// The retention schedule and the RoPA's retention periods are generated from the policy and the
// data map (`make compliance`), so a day edited in prose, or a policy change without regenerating,
// fails here.

const RETENTION_FILES = ["compliance/retention-schedule.md", "compliance/ropa.md"] as const;
const RETENTION_KEYS = Object.keys(YAML.parse(readFileSync(path.join(repoRoot, "policies/retention.yaml"), "utf8")) as object).filter((k) => k !== "version");

/** Prose that states a retention key's period (a number near the key) instead of leaving it to the generated table. */
function periodsInProse(text: string): string[] {
  return RETENTION_KEYS.flatMap((key) => [...proseOf(text).matchAll(new RegExp(`${key}[^|\\n]{0,40}?\\b\\d+\\b`, "g"))].map((m) => m[0]));
}

describe("generated compliance tables (make compliance)", () => {
  it.each(GENERATED_FILES)("%s is what the policy and the data map give now", (file) => {
    expect(readFileSync(path.join(repoRoot, file), "utf8") === renderFile(repoRoot, file), `${file} is not current: run make compliance`).toBe(true);
  });

  it.each(GENERATED_FILES)("%s states no retention period in its prose", (file) => {
    expect(periodsInProse(readFileSync(path.join(repoRoot, file), "utf8"))).toEqual([]);
  });

  it("catches a policy change that was not regenerated, and a period edited into prose", () => {
    const root = mkdtempSync(path.join(tmpdir(), "airlock-compliance-"));
    try {
      for (const dir of ["compliance", "policies"]) cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true });
      const policy = path.join(root, "policies/retention.yaml");
      writeFileSync(policy, readFileSync(policy, "utf8").replace(/chatTranscripts: \{ days: \d+/, "chatTranscripts: { days: 3650"));
      for (const file of RETENTION_FILES) expect(renderFile(root, file)).not.toBe(readFileSync(path.join(root, file), "utf8"));
      expect(renderFile(root, "compliance/ropa.md")).toContain("| `chatTranscripts` | 3650 |");
      const ropa = readFileSync(path.join(root, "compliance/ropa.md"), "utf8").replace("`chatTranscripts` (retention periods below)", "`chatTranscripts` (90 days)");
      expect(periodsInProse(ropa)).toEqual(["chatTranscripts` (90"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("catches an ASVS status change that was not regenerated into the coverage figures", () => {
    const root = mkdtempSync(path.join(tmpdir(), "airlock-compliance-"));
    try {
      for (const dir of ["compliance", "test/corpora/asvs"]) cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true });
      const mapping = path.join(root, "compliance/asvs-mapping.yaml");
      writeFileSync(mapping, readFileSync(mapping, "utf8").replace(/(\n {2}V17\.1\.1:\n {4}status:) not-applicable/, "$1 operator"));
      const rendered = renderFile(root, "compliance/README.md");
      expect(rendered).not.toBe(readFileSync(path.join(root, "compliance/README.md"), "utf8"));
      expect(rendered).toMatch(/\| V17 WebRTC \| 7 \| 0 \| 0 \| 1 \| 6 \| 0 \| 0 \|/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
