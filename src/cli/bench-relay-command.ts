import type { Command } from "commander";
import { loadFixture, sessionBytes } from "./bench-relay-frames.js";
import { latency, startBenchServer, throughput } from "./bench-relay-load.js";
import { measureSanitizer, round } from "./bench-relay-sanitizer.js";
import { emit, table } from "./output.js";

const count = (name: string, max: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new Error(`${name} takes a number from 1 to ${max}`);
  return Number(v);
};

interface RelayBenchOptions {
  readonly json?: boolean;
  readonly rounds: number;
  readonly repeats: number;
  readonly seconds: number;
  readonly intervalMs: number;
}

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
    .option("--repeats <n>", "times each recorded session is replayed for the throughput runs", count("--repeats", 200), 20)
    .option("--seconds <n>", "measuring time per latency level", count("--seconds", 120), 5)
    .option("--interval-ms <n>", "time between one session's frames in the latency runs", count("--interval-ms", 10_000), 1000)
    .option("--json", "print one JSON object")
    .action(async (opts: RelayBenchOptions) => {
      const fixture = loadFixture();
      const sanitizer = measureSanitizer(opts.rounds);

      // Same frames, same client code, same process layout; only the server's work differs.
      const bare = await startBenchServer({ mode: "bare", origin: fixture.origin });
      const bareRun = await throughput(bare.port, fixture.sessions, opts.repeats);
      await bare.stop();
      const relay = await startBenchServer({ mode: "relay", origin: fixture.origin });
      const relayRun = await throughput(relay.port, fixture.sessions, opts.repeats);
      await relay.stop();

      // Latency: the demo shop's sessions (the realistic co-browse stream of a shop visitor).
      const demo = fixture.sessions.filter((s) => s.source.startsWith("demo:"));
      const levels: Record<number, Awaited<ReturnType<typeof latency>>> = {};
      for (const sessions of [100, 1000]) {
        const server = await startBenchServer({ mode: "relay", origin: fixture.origin });
        levels[sessions] = await latency(server.port, demo.length > 0 ? demo : fixture.sessions, sessions, opts.seconds, opts.intervalMs);
        await server.stop();
      }
      const l100 = levels[100];
      const l1000 = levels[1000];
      const result = {
        ...sanitizer,
        relay_msgs_s: Math.round(relayRun.msgsPerSecond),
        bare_forward_msgs_s: Math.round(bareRun.msgsPerSecond),
        relay_vs_bare_forward: round(relayRun.msgsPerSecond / bareRun.msgsPerSecond, 3),
        throughput_frames: relayRun.frames,
        p50_ms_100: round(l100?.p50 ?? Number.NaN, 2),
        p99_ms_100: round(l100?.p99 ?? Number.NaN, 2),
        p50_ms_1000: round(l1000?.p50 ?? Number.NaN, 2),
        p99_ms_1000: round(l1000?.p99 ?? Number.NaN, 2),
        latency_samples_100: l100?.samples ?? 0,
        latency_samples_1000: l1000?.samples ?? 0,
        latency_frame_errors: (l100?.errors ?? 0) + (l1000?.errors ?? 0),
        recorded_sessions: fixture.sessions.map((s) => ({ source: s.source, frames: s.frames.length, bytes: sessionBytes(s) })),
        settings: { rounds: opts.rounds, repeats: opts.repeats, seconds: opts.seconds, intervalMs: opts.intervalMs },
      };
      emit(Boolean(opts.json), result, () =>
        table([
          ["figure", "value"],
          ["sanitizer MB/s", String(result.sanitizer_mb_s)],
          ["tokenize-only MB/s", String(result.tokenize_only_mb_s)],
          ["sanitizer / tokenize", String(result.sanitizer_vs_tokenize)],
          ["relay msgs/s", String(result.relay_msgs_s)],
          ["bare forward msgs/s", String(result.bare_forward_msgs_s)],
          ["relay / bare", String(result.relay_vs_bare_forward)],
          ["p50 / p99 ms, 100 sessions", `${result.p50_ms_100} / ${result.p99_ms_100}`],
          ["p50 / p99 ms, 1000 sessions", `${result.p50_ms_1000} / ${result.p99_ms_1000}`],
        ]),
      );
    });
}
