import type { Command } from "commander";
import { runVisitorsBench, type VisitorsBenchSettings } from "../bench/visitors.js";
import { emit, table } from "./output.js";

const count = (name: string, min: number, max: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new Error(`${name} takes a number from ${min} to ${max}`);
  return Number(v);
};

interface VisitorsBenchOptions extends VisitorsBenchSettings {
  readonly json?: boolean;
  readonly quick?: boolean;
}

/** `--quick`: a smoke run (a few hundred visitors, a few probes) that still prints every figure. Explicit options win. */
const QUICK: Partial<Record<keyof VisitorsBenchOptions, unknown>> = { visitors: 300, probes: 10, probeIntervalMs: 300 };

/**
 * `bench visitors`: idle visitors on one server process — memory per visitor and CPU per connect
 * against a bare WebSocket server holding as many idle sockets, and the latency of a visitor's
 * page view to an agent's live visitor query at that many visitors. Loopback only, bounded.
 */
export function registerBenchVisitorsCommand(bench: Command): void {
  bench
    .command("visitors")
    .description("idle visitors per server process: memory per visitor, CPU per connect, presence latency to an agent at N visitors (loopback, bounded)")
    .option("--visitors <n>", "idle visitors to connect (capped by the process's open-file limit, which the figures report)", count("--visitors", 1, 200_000), 20_000)
    .option("--probes <n>", "page views timed to the agent's query", count("--probes", 1, 1_000), 40)
    .option("--probe-interval-ms <n>", "time between probes", count("--probe-interval-ms", 50, 10_000), 400)
    .option("--per-loader <n>", "visitors per load process", count("--per-loader", 100, 50_000), 10_000)
    .option("--timeout-seconds <n>", "stop and fail after this long", count("--timeout-seconds", 10, 1_800), 600)
    .option("--quick", "a smoke run: 300 visitors, 10 probes")
    .option("--json", "print one JSON object")
    .action(async (given: VisitorsBenchOptions, cmd: Command) => {
      const opts = { ...given };
      if (given.quick) {
        for (const [key, value] of Object.entries(QUICK)) if (cmd.getOptionValueSource(key) !== "cli") Object.assign(opts, { [key]: value });
      }
      const r = await runVisitorsBench({ visitors: opts.visitors, probes: opts.probes, probeIntervalMs: opts.probeIntervalMs, perLoader: opts.perLoader, timeoutSeconds: opts.timeoutSeconds });
      emit(Boolean(opts.json), r, () =>
        table([
          ["figure", "value"],
          ["visitors connected (requested)", `${r.visitors_connected} (${r.visitors_requested}; open-file limit ${r.fd_limit})`],
          ["RSS KB per idle visitor: Airlock / bare ws", `${r.airlock.rss_kb_per_visitor} / ${r.bare_ws.rss_kb_per_visitor} (×${r.airlock_vs_bare.memory})`],
          ["heap KB per idle visitor: Airlock / bare ws", `${r.airlock.heap_kb_per_visitor} / ${r.bare_ws.heap_kb_per_visitor}`],
          ["CPU ms per connect: Airlock / bare ws", `${r.airlock.cpu_ms_per_connect} / ${r.bare_ws.cpu_ms_per_connect} (×${r.airlock_vs_bare.cpu})`],
          ["Airlock RSS MB before / after", `${r.airlock.rss_mb_before} / ${r.airlock.rss_mb_after}`],
          ["projected RSS MB at 20,000 visitors", String(r.projected_rss_mb_at_20000)],
          [`presence latency p50 / p99 / max ms at ${r.presence_latency_ms.visitors} visitors`, `${r.presence_latency_ms.p50} / ${r.presence_latency_ms.p99} / ${r.presence_latency_ms.max} (flush window ${r.presence_latency_ms.flush_window_ms} ms)`],
          ["one query evaluation / list snapshot ms", `${r.query_eval_ms} / ${r.list_snapshot_ms}`],
        ]),
      );
    });
}
