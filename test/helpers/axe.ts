import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

// axe-core run inside a page the way a person's browser shows it. The script is evaluated through
// the DevTools protocol, so the page's CSP (no inline script) need not be loosened for the check.

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** WCAG 2.x A and AA violations in `include` (CSS selectors; default the whole page), minus `exclude`. */
export async function axeViolations(page: Page, options: { include?: string[]; exclude?: string[] } = {}): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async ({ include, exclude }) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const context = { include: include ?? [["html"]], exclude: exclude ?? [] };
    const result = await axe.run(context, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, { include: options.include?.map((s) => [s]), exclude: options.exclude?.map((s) => [s]) });
}
