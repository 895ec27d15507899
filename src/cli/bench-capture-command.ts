import type { Command } from "commander";
import { runCaptureBench } from "../bench/capture.js";
import type { BenchUi } from "../bench/capture-site.js";
import { emit, table } from "./output.js";

const rounds = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 15) throw new Error("--rounds takes a number from 1 to 15");
  return Number(v);
};

const ui = (v: string): BenchUi => {
  if (v !== "shown" && v !== "hidden") throw new Error("--ui takes shown or hidden");
  return v;
};

/**
 * `bench capture`: the visitor script beside rrweb's recorder on the demo pages with one scripted
 * visit, in headless Chromium on loopback: bytes sent per minute and main-thread time for
 * capture, as ratios Airlock / rrweb (below 1.0: Airlock is lighter). See bench/capture/README.md.
 */
export function registerBenchCaptureCommand(bench: Command): void {
  bench
    .command("capture")
    .description("visitor capture cost beside rrweb: bytes per minute and main-thread time (Chromium, loopback, bounded)")
    .option("--rounds <n>", "rounds of the visit per recorder (the median is reported)", rounds, 4)
    .option("--ui <shown|hidden>", "Airlock's own UI (chat launcher, prompts, bar) on the pages; hidden by the page's stylesheet compares capture alone", ui, "hidden")
    .option("--chromium <path>", "Chromium executable", process.env.AIRLOCK_BENCH_CHROMIUM ?? "/usr/bin/chromium")
    .option("--json", "print JSON")
    .action(async (opts: { rounds: number; ui: BenchUi; chromium: string; json?: boolean }) => {
      const result = await runCaptureBench({ rounds: opts.rounds, ui: opts.ui, chromium: opts.chromium });
      emit(Boolean(opts.json), result, () =>
        table([
          ["recorder", "bytes/min", "capture main-thread ms"],
          ["airlock", String(result.airlock_bytes_per_minute), String(result.airlock_capture_ms)],
          ["rrweb", String(result.rrweb_bytes_per_minute), String(result.rrweb_capture_ms)],
          ["airlock / rrweb", String(result.bytes_vs_rrweb), String(result.main_thread_vs_rrweb)],
        ]),
      );
    });
}
