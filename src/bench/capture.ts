import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AirlockError } from "../errors.js";
import { runVisit, type VisitFigures } from "./capture-visit.js";
import { startCaptureSite, type BenchUi, type Recorder } from "./capture-site.js";

// `bench capture`: Airlock's visitor script against rrweb's recorder on the same demo pages with
// the same scripted visit, in the same run, in headless Chromium on loopback. Each round runs the
// three visits (no recorder, Airlock, rrweb) in a rotated order, so neither recorder always runs
// first (cold caches) or right after the other; drift on a busy machine hits all three alike.
// Capture cost is a recorder's main-thread time minus the no-recorder visit of the same round,
// and each figure is the median over the rounds, so one disturbed round does not move it.
// Needs the dev dependencies playwright-core and rrweb.

export interface CaptureBenchOptions {
  readonly rounds: number;
  readonly chromium: string;
  /** Airlock's own UI on the pages (default hidden: not capture work, and rrweb has none). */
  readonly ui?: BenchUi;
}

export interface RecorderFigures {
  readonly bytes: number;
  readonly messages: number;
  readonly bytesPerMinute: number;
  readonly taskMs: number;
  readonly scriptMs: number;
  readonly durationMs: number;
}

export interface CaptureBenchResult {
  readonly bytes_vs_rrweb: number;
  readonly main_thread_vs_rrweb: number;
  /** Script time alone (Chromium's ScriptDuration), Airlock / rrweb: less noisy than all main-thread work. */
  readonly script_vs_rrweb: number;
  readonly airlock_bytes_per_minute: number;
  readonly rrweb_bytes_per_minute: number;
  readonly airlock_capture_ms: number;
  readonly rrweb_capture_ms: number;
  readonly ui: BenchUi;
  readonly rounds: readonly Readonly<Record<Recorder, RecorderFigures>>[];
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function files(): { siteconnect: string; rrweb: string; rrwebRecorder: string } {
  const siteconnect = path.join(projectRoot, "dist/visitor/siteconnect.js");
  if (!existsSync(siteconnect)) throw new AirlockError("bad_request", "the visitor script is not built: run make build first");
  let rrweb: string;
  try {
    // The package exports no subpaths: find its browser bundle next to the entry point.
    rrweb = path.join(path.dirname(createRequire(import.meta.url).resolve("rrweb")), "rrweb.umd.min.cjs");
  } catch (err) {
    throw new AirlockError("bad_request", "rrweb is not installed (a dev dependency): run npm install", { cause: err });
  }
  return { siteconnect, rrweb, rrwebRecorder: path.join(projectRoot, "bench/capture/rrweb-recorder.js") };
}

/** The visitor accepts the consent prompt (a hidden UI host still holds it, so click it directly). */
async function consent(page: Page, ui: BenchUi): Promise<void> {
  if (ui === "shown") return page.getByRole("button", { name: "Share my screen" }).click();
  await page.waitForFunction(() => {
    const button = document.querySelector("[data-airlock-ui]")?.shadowRoot?.querySelector<HTMLButtonElement>("[data-airlock-action=allow]");
    button?.click();
    return Boolean(button);
  });
}

export async function runCaptureBench(options: CaptureBenchOptions): Promise<CaptureBenchResult> {
  const { chromium } = await import("playwright-core").catch((err: unknown) => {
    throw new AirlockError("bad_request", "playwright-core is not installed (a dev dependency): run npm install", { cause: err });
  });
  const ui = options.ui ?? "hidden";
  const site = await startCaptureSite(files(), ui);
  // Playwright gives the browser a fresh temporary profile and removes it on close.
  const browser = await chromium.launch({
    executablePath: options.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const rounds: Record<Recorder, RecorderFigures>[] = [];
  try {
    // Unmeasured: the browser's first documents pay one-off costs (caches, compilation) that
    // would otherwise land on whichever recorder runs first.
    for (const recorder of ["none", "airlock", "rrweb"] as const) {
      site.recorder = recorder;
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${site.url}/demo`, { waitUntil: "load" });
      if (recorder === "airlock") await consent(page, ui);
      await context.close();
    }
    for (let r = 0; r < options.rounds; r++) {
      const round = {} as Record<Recorder, RecorderFigures>;
      const order = (["none", "airlock", "rrweb"] as const).map((_, i, all) => all[(i + r) % all.length] as Recorder);
      for (const recorder of order) {
        site.recorder = recorder;
        site.reset();
        const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
        const page = await context.newPage();
        const visit: VisitFigures = await runVisit(page, site.url, async (p) => {
          if (recorder === "airlock") await consent(p, ui);
        });
        await context.close();
        const bytes = site.bytes[recorder];
        round[recorder] = {
          bytes,
          messages: site.messages[recorder],
          bytesPerMinute: Math.round((bytes / visit.durationMs) * 60_000),
          taskMs: round3(visit.taskMs),
          scriptMs: round3(visit.scriptMs),
          durationMs: visit.durationMs,
        };
      }
      for (const recorder of ["airlock", "rrweb"] as const) {
        if (round[recorder].messages < 4) throw new AirlockError("internal", `${recorder} sent no capture during the visit; the comparison would be meaningless`);
      }
      rounds.push(round);
    }
  } finally {
    await browser.close();
    await site.close();
  }
  const perRound = (f: (r: Record<Recorder, RecorderFigures>) => number) => median(rounds.map(f));
  const airlockBpm = perRound((r) => r.airlock.bytesPerMinute);
  const rrwebBpm = perRound((r) => r.rrweb.bytesPerMinute);
  // Capture cost: the recorder's visit minus the same visit without a recorder, in the same round.
  const airlockMs = perRound((r) => r.airlock.taskMs - r.none.taskMs);
  const rrwebMs = perRound((r) => r.rrweb.taskMs - r.none.taskMs);
  const airlockScript = perRound((r) => r.airlock.scriptMs - r.none.scriptMs);
  const rrwebScript = perRound((r) => r.rrweb.scriptMs - r.none.scriptMs);
  return {
    bytes_vs_rrweb: round3(airlockBpm / rrwebBpm),
    main_thread_vs_rrweb: round3(Math.max(airlockMs, 0) / Math.max(rrwebMs, 1)),
    script_vs_rrweb: round3(Math.max(airlockScript, 0) / Math.max(rrwebScript, 1)),
    airlock_bytes_per_minute: airlockBpm,
    rrweb_bytes_per_minute: rrwebBpm,
    airlock_capture_ms: round3(airlockMs),
    rrweb_capture_ms: round3(rrwebMs),
    ui,
    rounds,
  };
}
