import path from "node:path";
import type { Command } from "commander";
import { runFidelityBench } from "../bench/fidelity.js";
import { emit, table } from "./output.js";

const pages = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 50) throw new Error("--pages takes a number from 1 to 50");
  return Number(v);
};

const collect = (v: string, previous: string[]) => [...previous, v];

/**
 * `bench fidelity`: the share of pixels where the agent's page copy matches the visitor's page,
 * on static site folders (default: the shipped corpus), in headless Chromium on loopback. See
 * docs/benchmarks.md.
 */
export function registerBenchFidelityCommand(bench: Command): void {
  bench
    .command("fidelity")
    .description("how closely the agent's page copy matches the visitor's page: matching pixels per page and position (Chromium, loopback, bounded)")
    .option("--site <dir>", "a static site folder to serve and measure (repeatable; default: bench/fidelity/corpus/*)", collect, [])
    .option("--pages <n>", "at most this many HTML pages of each site", pages, 3)
    .option("--out <dir>", "folder for the screenshots of the worst pages", path.join("test-results", "bench-fidelity"))
    .option("--chromium <path>", "Chromium executable", process.env.AIRLOCK_BENCH_CHROMIUM ?? "/usr/bin/chromium")
    .option("--json", "print JSON")
    .action(async (opts: { site: string[]; pages: number; out: string; chromium: string; json?: boolean }) => {
      const result = await runFidelityBench({ sites: opts.site, pagesPerSite: opts.pages, chromium: opts.chromium, outDir: path.resolve(opts.out) });
      emit(Boolean(opts.json), result, () =>
        table([
          ["site", "page", "min", "median", "positions"],
          ...result.per_page.map((p) => [
            p.site,
            p.page,
            p.min_match.toFixed(4),
            p.median_match.toFixed(4),
            p.error ? `error: ${p.error}` : Object.entries(p.positions).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", "),
          ]),
          ["all", `${result.pages} pages`, result.min_match.toFixed(4), result.median_match.toFixed(4), `${result.comparator}; worst pages' screenshots in ${result.screenshots}`],
        ]),
      );
    });
}
