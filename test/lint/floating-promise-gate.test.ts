import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

// The lint gate of `make test` (scripts/test.sh runs `eslint --max-warnings 0 .`) with the
// project's own eslint.config.js, on a probe file inside the project, so the probe gets the same
// type-aware setup (tsconfig.json through the project service) as every other file.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const probeDir = path.join(root, "test/lint");
const probes: string[] = [];

afterAll(() => {
  for (const file of probes) rmSync(file, { force: true });
});

async function lint(source: string): Promise<ESLint.LintResult> {
  mkdirSync(probeDir, { recursive: true });
  // Not *.test.ts, so a test run never collects it; removed after the suite.
  const file = path.join(probeDir, `probe-${process.pid}-${randomBytes(4).toString("hex")}.ts`);
  probes.push(file);
  writeFileSync(file, source);
  const [result] = await new ESLint({ cwd: root }).lintFiles([file]);
  if (!result) throw new Error("ESLint returned no result for the probe");
  return result;
}

const save = `export async function save(): Promise<void> {
  await Promise.resolve();
}
`;

describe("the lint gate", () => {
  it("fails on a floating promise, as an error", async () => {
    const result = await lint(`${save}
export function onClick(): void {
  save();
}
`);
    const floating = result.messages.filter((m) => m.ruleId === "@typescript-eslint/no-floating-promises");
    expect(floating).toHaveLength(1);
    expect(floating[0]?.severity).toBe(2);
    expect(result.errorCount).toBeGreaterThan(0);
  }, 180_000);

  it("passes the same code once the promise is awaited (the finding is the rule's, not a setup error)", async () => {
    const result = await lint(`${save}
export async function onClick(): Promise<void> {
  await save();
}
`);
    expect(result.messages).toEqual([]);
  }, 180_000);

  it("fails on an any passed on at a boundary", async () => {
    const result = await lint(`export function port(raw: string): number {
  const parsed = JSON.parse(raw);
  return parsed.port;
}
`);
    expect(result.messages.map((m) => m.ruleId)).toEqual(
      expect.arrayContaining(["@typescript-eslint/no-unsafe-member-access", "@typescript-eslint/no-unsafe-return"]),
    );
  }, 180_000);
});
