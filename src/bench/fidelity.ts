import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { AirlockError } from "../errors.js";
import { benchSiteKey, startBenchAirlock, type BenchAirlock } from "./fidelity-airlock.js";
import { comparator, compareScreens, sameGeometry, type Comparator } from "./fidelity-diff.js";
import { decodePng, encodePng } from "./fidelity-png.js";
import { shootBoth, type ScreenPair } from "./fidelity-screens.js";
import { signInAgent, watchPage } from "./fidelity-session.js";
import { serveStaticSite, type StaticSite } from "./fidelity-site.js";
import { INTERACTIONS, LOAD_POSITIONS, interact, scrollTo, type Position } from "./fidelity-steps.js";

// `bench fidelity`: does the agent see what the visitor sees? For each page of each static site
// folder, a visitor in Chromium shares the page with an agent who watches it in the console at
// 100 %, and the visitor's screenshot is compared with the page copy's at the top, the middle and
// the bottom after load and after each interaction the page allows. Figures: the share of
// matching pixels per page and position, their median and minimum. The screenshots (visitor,
// page copy, difference) of the worst pages are kept. Loopback only, bounded in pages and time.

export interface FidelityOptions {
  /** Static site folders; default: the shipped corpus (bench/fidelity/corpus/*). */
  readonly sites?: readonly string[];
  /** At most this many pages of each site. */
  readonly pagesPerSite: number;
  readonly chromium: string;
  /** Where the worst pages' screenshots go. */
  readonly outDir: string;
  /** How many of the worst pages keep their screenshots. */
  readonly keepWorst?: number;
  /** The whole run stops starting new pages after this long (ms). */
  readonly budgetMs?: number;
}

export interface PageFigures {
  readonly site: string;
  readonly page: string;
  readonly min_match: number;
  readonly median_match: number;
  /** Share of matching pixels per position looked at. */
  readonly positions: Readonly<Partial<Record<Position, number>>>;
  /** Interactions the page had no element for. */
  readonly skipped: readonly Position[];
  /** Why the page could not be measured (then it counts as 0). */
  readonly error?: string;
}

export interface FidelityResult {
  readonly pages: number;
  readonly median_match: number;
  readonly min_match: number;
  readonly comparator: Comparator;
  readonly screenshots: string;
  readonly per_page: readonly PageFigures[];
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_CORPUS = path.join(projectRoot, "bench/fidelity/corpus");

export function defaultSites(): string[] {
  return readdirSync(DEFAULT_CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(DEFAULT_CORPUS, d.name))
    .sort();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

interface Shot {
  readonly position: Position;
  readonly pair: ScreenPair;
  readonly diff: Buffer;
}

export async function runFidelityBench(options: FidelityOptions): Promise<FidelityResult> {
  const { chromium } = await import("playwright-core").catch((err: unknown) => {
    throw new AirlockError("bad_request", "playwright-core is not installed (a dev dependency): run npm install", { cause: err });
  });
  const folders = options.sites && options.sites.length > 0 ? options.sites : defaultSites();
  const deadline = Date.now() + (options.budgetMs ?? 15 * 60_000);
  let airlock: BenchAirlock | undefined;
  const sites: StaticSite[] = [];
  let browser: Browser | undefined;
  const figures: PageFigures[] = [];
  const shots = new Map<PageFigures, Shot[]>();
  try {
    for (const [i, folder] of folders.entries()) {
      sites.push(await serveStaticSite(folder, { airlockOrigin: () => airlock?.origin ?? "", siteKey: benchSiteKey(i + 1) }));
    }
    airlock = await startBenchAirlock(sites.map((s, i) => ({ id: `bench${i + 1}`, siteKey: benchSiteKey(i + 1), origin: s.origin })));
    // Playwright gives the browser a fresh temporary profile and removes it on close.
    browser = await chromium.launch({
      executablePath: options.chromium,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"],
    });
    const agent = await signInAgent(browser, airlock.origin);
    for (const site of sites) {
      for (const page of site.pages.slice(0, options.pagesPerSite)) {
        if (Date.now() > deadline) break;
        const own: Shot[] = [];
        const result: Pick<PageFigures, "positions" | "skipped" | "error"> = await measurePage(browser, agent, airlock.origin, `${site.origin}/${page}`, own).catch((err: unknown) => ({
          positions: {},
          skipped: [],
          error: err instanceof Error ? err.message.split("\n")[0] ?? "failed" : "failed",
        }));
        const values = Object.values(result.positions);
        const entry: PageFigures = {
          site: site.name,
          page,
          min_match: round4(values.length && !result.error ? Math.min(...values) : 0),
          median_match: round4(result.error ? 0 : median(values)),
          ...result,
        };
        figures.push(entry);
        shots.set(entry, own);
      }
    }
  } finally {
    await browser?.close();
    await airlock?.stop();
    for (const s of sites) await s.close();
  }
  const all = figures.flatMap((f) => (f.error ? [0] : Object.values(f.positions)));
  keepWorst(figures, shots, options.outDir, options.keepWorst ?? 3);
  return {
    pages: figures.length,
    median_match: round4(median(all)),
    min_match: round4(all.length ? Math.min(...all) : 0),
    comparator: await comparator(),
    screenshots: options.outDir,
    per_page: figures,
  };
}

async function measurePage(browser: Browser, agent: Page, airlock: string, url: string, shots: Shot[]): Promise<Pick<PageFigures, "positions" | "skipped">> {
  const watched = await watchPage(browser, agent, airlock, url);
  const positions: Partial<Record<Position, number>> = {};
  const skipped: Position[] = [];
  const look = async (position: Position) => {
    const pair = await shootBoth(watched.visitor, agent);
    const masked = sameGeometry(pair.visitorMasked, pair.copyMasked);
    const cmp = await compareScreens(decodePng(pair.visitor), decodePng(pair.copy), masked);
    positions[position] = round4(cmp.match);
    shots.push({ position, pair, diff: encodePng(cmp.diff) });
  };
  try {
    for (const position of LOAD_POSITIONS) {
      await scrollTo(watched.visitor, position as "top" | "middle" | "bottom");
      await look(position);
    }
    for (const kind of INTERACTIONS) {
      if (await interact(watched.visitor, kind)) await look(kind);
      else skipped.push(kind);
    }
  } finally {
    await watched.close();
  }
  return { positions, skipped };
}

/** Writes visitor, page copy and difference of each position of the `count` worst pages. */
function keepWorst(figures: readonly PageFigures[], shots: ReadonlyMap<PageFigures, Shot[]>, outDir: string, count: number): void {
  mkdirSync(outDir, { recursive: true });
  const worst = [...figures].sort((a, b) => a.min_match - b.min_match).slice(0, count);
  for (const [rank, f] of worst.entries()) {
    const stem = `${rank + 1}-${f.site}-${f.page}`.replace(/[^A-Za-z0-9._-]+/g, "_");
    for (const s of shots.get(f) ?? []) {
      writeFileSync(path.join(outDir, `${stem}-${s.position}-visitor.png`), s.pair.visitor);
      writeFileSync(path.join(outDir, `${stem}-${s.position}-copy.png`), s.pair.copy);
      writeFileSync(path.join(outDir, `${stem}-${s.position}-diff.png`), s.diff);
    }
  }
}
