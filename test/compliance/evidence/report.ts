import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// The test runner's JSON report (vitest's `json` reporter, the Jest-compatible shape), reduced to
// what the evidence gate needs: which test, in which file, and how it ended.

const assertionSchema = z.object({
  ancestorTitles: z.array(z.string()),
  fullName: z.string(),
  title: z.string(),
  status: z.string(),
});
const reportSchema = z.object({
  testResults: z.array(z.object({ name: z.string(), assertionResults: z.array(assertionSchema) })),
});

export interface TestOutcome {
  /** Repository-relative path of the test file, with forward slashes. */
  readonly file: string;
  /** Describe titles and the test title joined by spaces, as the runner reports it. */
  readonly fullName: string;
  readonly title: string;
  /** "passed", "failed", "skipped", "pending", "todo"… as the runner reports it. */
  readonly status: string;
}

export function outcomesOf(report: unknown, repoRoot: string): TestOutcome[] {
  const parsed = reportSchema.parse(report);
  return parsed.testResults.flatMap((file) => {
    const relative = path.relative(repoRoot, file.name).split(path.sep).join("/");
    return file.assertionResults.map((a) => ({ file: relative, fullName: a.fullName, title: a.title, status: a.status }));
  });
}

export function readOutcomes(reportPath: string, repoRoot: string): TestOutcome[] {
  return outcomesOf(JSON.parse(readFileSync(reportPath, "utf8")), repoRoot);
}
