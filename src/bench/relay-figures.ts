import type { LatencyRun, ThroughputRun } from "./relay-load.js";
import type { SanitizerSpeed } from "./relay-sanitizer.js";
import { round } from "./round.js";

// The JSON figures of `bench relay`, named as the benchmark's targets name them.

/** The session counts measured by default: the keys `p50_ms_100`, `p99_ms_1000`… come from them. */
export const DEFAULT_LATENCY_LEVELS: readonly number[] = [100, 1000];

/** The figures every run prints, whatever its bounds. */
export const REQUIRED_FIGURES = [
  "sanitizer_mb_s",
  "tokenize_only_mb_s",
  "sanitizer_vs_tokenize",
  "relay_msgs_s",
  "bare_forward_msgs_s",
  "relay_vs_bare_forward",
] as const;

/** `p50_ms_N`, `p99_ms_N` for each measured level N, then the sample counts behind them. */
export function latencyFigures(runs: readonly LatencyRun[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) {
    out[`p50_ms_${r.sessions}`] = round(r.p50, 2);
    out[`p99_ms_${r.sessions}`] = round(r.p99, 2);
  }
  for (const r of runs) out[`latency_samples_${r.sessions}`] = r.samples;
  return out;
}

/** The same recorded frames through the relay, a bare forwarder, and schema + sanitize-html alone. */
export interface ThroughputRuns {
  readonly relay: ThroughputRun;
  readonly bare: ThroughputRun;
  readonly sanitizeHtmlOnly: ThroughputRun;
}

export function relayFigures(sanitizer: SanitizerSpeed, runs: ThroughputRuns, levels: readonly LatencyRun[]) {
  const { relay, bare, sanitizeHtmlOnly } = runs;
  return {
    ...sanitizer,
    relay_msgs_s: Math.round(relay.msgsPerCpuSecond),
    bare_forward_msgs_s: Math.round(bare.msgsPerCpuSecond),
    relay_vs_bare_forward: round(relay.msgsPerCpuSecond / bare.msgsPerCpuSecond, 3),
    sanitize_html_forward_msgs_s: Math.round(sanitizeHtmlOnly.msgsPerCpuSecond),
    sanitize_html_forward_vs_bare_forward: round(sanitizeHtmlOnly.msgsPerCpuSecond / bare.msgsPerCpuSecond, 3),
    relay_wall_msgs_s: Math.round(relay.msgsPerSecond),
    bare_forward_wall_msgs_s: Math.round(bare.msgsPerSecond),
    throughput_frames: relay.frames,
    throughput_frame_errors: relay.errors + sanitizeHtmlOnly.errors,
    ...latencyFigures(levels),
    latency_unanswered: levels.reduce((n, r) => n + r.unanswered, 0),
    latency_frame_errors: levels.reduce((n, r) => n + r.errors, 0),
  };
}
