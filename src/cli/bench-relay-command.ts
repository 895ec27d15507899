import type { Command } from "commander";
import { runRelayBench, type RelayBenchSettings } from "../bench/relay.js";
import { DEFAULT_LATENCY_LEVELS } from "../bench/relay-figures.js";
import { round } from "../bench/round.js";
import { emit, table } from "./output.js";

const count = (name: string, max: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new Error(`${name} takes a number from 1 to ${max}`);
  return Number(v);
};

const levels = (v: string): number[] => {
  const out = v.split(",").map((x) => x.trim());
  if (out.length < 1 || out.length > 4 || !out.every((x) => /^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= 2000)) {
    throw new Error("--sessions takes up to 4 comma-separated numbers from 1 to 2000");
  }
  return out.map(Number);
};

interface RelayBenchOptions extends RelayBenchSettings {
  readonly json?: boolean;
  readonly quick?: boolean;
}

/** `--quick`: a smoke run (a few seconds in all) that still prints every figure. Explicit options win. */
const QUICK: Partial<Record<keyof RelayBenchOptions, unknown>> = { rounds: 1, pages: 30, repeats: 1, seconds: 1, intervalMs: 200, sessions: [20, 50] };

/**
 * `bench relay`: sanitizer speed against tokenize-only on htmlparser-benchmark pages; relay
 * throughput against a bare ws forwarder on the same recorded frames; visitor→agent latency at
 * 100 and 1,000 concurrent sessions. Loopback only, bounded by counts and seconds.
 */
export function registerBenchRelayCommand(bench: Command): void {
  bench
    .command("relay")
    .description("relay figures: sanitizer vs tokenize-only, relay vs bare forwarder, latency at 100 and 1,000 sessions (loopback, bounded)")
    .option("--rounds <n>", "passes over the htmlparser-benchmark pages", count("--rounds", 50), 3)
    .option("--pages <n>", "use only the first N htmlparser-benchmark pages (default: all)", count("--pages", 10_000))
    .option("--repeats <n>", "sessions per recording in the throughput runs (each replays its recording once)", count("--repeats", 200), 20)
    .option("--seconds <n>", "measuring time per latency level", count("--seconds", 120), 5)
    .option("--interval-ms <n>", "time between one session's frames in the latency runs", count("--interval-ms", 10_000), 1000)
    .option("--sessions <list>", "concurrent sessions per latency level, comma-separated", levels, [...DEFAULT_LATENCY_LEVELS])
    .option("--quick", "tiny bounds for a smoke test: 1 round over 30 pages, 1 repeat, 1 s at 20 and 50 sessions")
    .option("--json", "print one JSON object")
    .action(async (given: RelayBenchOptions, cmd: Command) => {
      const opts = { ...given };
      if (given.quick) {
        for (const [key, value] of Object.entries(QUICK)) if (cmd.getOptionValueSource(key) !== "cli") Object.assign(opts, { [key]: value });
      }
      const { figures: result, latencyRuns } = await runRelayBench(opts);
      emit(Boolean(opts.json), result, () =>
        table([
          ["figure", "value"],
          ["sanitizer MB/s (per CPU s)", String(result.sanitizer_mb_s)],
          ["tokenize-only MB/s (per CPU s)", String(result.tokenize_only_mb_s)],
          ["sanitizer / tokenize", String(result.sanitizer_vs_tokenize)],
          ["reference: sanitize-html keeping tags as they are / tokenize", String(result.sanitize_html_keep_as_is_vs_tokenize)],
          ["relay msgs/s (per server CPU s)", String(result.relay_msgs_s)],
          ["bare forward msgs/s (per server CPU s)", String(result.bare_forward_msgs_s)],
          ["relay / bare", String(result.relay_vs_bare_forward)],
          ["reference: schema + sanitize-html only / bare", String(result.sanitize_html_forward_vs_bare_forward)],
          ...latencyRuns.map((r) => [`p50 / p99 ms, ${r.sessions} sessions`, `${round(r.p50, 2)} / ${round(r.p99, 2)}`]),
        ]),
      );
    });
}
