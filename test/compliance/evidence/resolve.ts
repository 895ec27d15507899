import type { EvidencePointer } from "./pointers.js";
import type { TestOutcome } from "./report.js";

/**
 * A pointer holds only if it names exactly one test of its file (by title, or by full name where
 * a title repeats, as in tests run once per database dialect) and that test ran and passed. A
 * name found only in a comment, a skipped or todo test, a test that did not run in this report,
 * and an ambiguous name are each refused with the reason.
 */
export function resolvePointer(pointer: EvidencePointer, outcomes: readonly TestOutcome[]): string | undefined {
  const inFile = outcomes.filter((o) => o.file === pointer.file);
  const where = `${pointer.source}: ${pointer.file} "${pointer.test}"`;
  if (inFile.length === 0) return `${where}: no test of this file ran`;
  const byFullName = inFile.filter((o) => o.fullName === pointer.test);
  const matches = byFullName.length > 0 ? byFullName : inFile.filter((o) => o.title === pointer.test);
  if (matches.length === 0) return `${where}: no test has this name`;
  if (matches.length > 1) return `${where}: ${matches.length} tests have this name; name one by its full name (describe titles and title)`;
  const [only] = matches as [TestOutcome];
  if (only.status !== "passed") return `${where}: the test did not pass (${only.status})`;
  return undefined;
}

export function unresolvedPointers(pointers: readonly EvidencePointer[], outcomes: readonly TestOutcome[]): string[] {
  return pointers.map((p) => resolvePointer(p, outcomes)).filter((p): p is string => p !== undefined);
}
