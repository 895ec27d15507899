import { relayFigures } from "./relay-figures.js";
import { loadFixture, sessionBytes } from "./relay-frames.js";
import { latency, startBenchServer, throughput, type LatencyRun } from "./relay-load.js";
import { measureSanitizer } from "./relay-sanitizer.js";

/** The bounds of one `bench relay` run (the CLI's options after `--quick`). */
export interface RelayBenchSettings {
  readonly rounds: number;
  readonly pages?: number;
  readonly repeats: number;
  readonly seconds: number;
  readonly intervalMs: number;
  readonly sessions: readonly number[];
}

/**
 * Sanitizer speed against tokenize-only, relay throughput against a bare ws forwarder and a
 * schema + sanitize-html forwarder on the same recorded frames, then visitor→agent latency at each
 * session level: every figure `bench relay` prints, with the latency runs behind them.
 */
export async function runRelayBench(opts: RelayBenchSettings) {
  const fixture = loadFixture();
  const sanitizer = await measureSanitizer(opts.rounds, opts.pages);

  // Same frames, same client code, same process layout; only the server's work differs.
  const deadlineMs = 60_000 + opts.repeats * 10_000;
  const bare = await startBenchServer({ mode: "bare", origin: fixture.origin });
  const bareRun = await throughput(bare, fixture.sessions, opts.repeats, deadlineMs).finally(() => bare.stop());
  const reference = await startBenchServer({ mode: "sanitize-html", origin: fixture.origin });
  const referenceRun = await throughput(reference, fixture.sessions, opts.repeats, deadlineMs).finally(() => reference.stop());
  const relay = await startBenchServer({ mode: "relay", origin: fixture.origin });
  const relayRun = await throughput(relay, fixture.sessions, opts.repeats, deadlineMs).finally(() => relay.stop());

  const latencyRuns: LatencyRun[] = [];
  for (const sessions of opts.sessions) {
    const server = await startBenchServer({ mode: "relay", origin: fixture.origin });
    latencyRuns.push(await latency(server.port, fixture.sessions, sessions, opts.seconds, opts.intervalMs).finally(() => server.stop()));
  }
  const figures = {
    ...relayFigures(sanitizer, { relay: relayRun, bare: bareRun, sanitizeHtmlOnly: referenceRun }, latencyRuns),
    recorded_sessions: fixture.sessions.map((s) => ({ source: s.source, frames: s.frames.length, bytes: sessionBytes(s) })),
    settings: { rounds: opts.rounds, pages: sanitizer.pages, repeats: opts.repeats, seconds: opts.seconds, intervalMs: opts.intervalMs, sessions: opts.sessions },
  };
  return { figures, latencyRuns };
}
