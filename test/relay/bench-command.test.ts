import { describe, expect, it } from "vitest";
import { DEFAULT_LATENCY_LEVELS, latencyFigures, REQUIRED_FIGURES } from "../../src/bench/relay-figures.js";
import { runCliAsync, type CliResult } from "../helpers/cli.js";

// `bin/airlock bench relay --json --quick` as an operator runs it (the built CLI): one JSON
// object with every figure the benchmark promises, each a finite positive number. Speeds are
// never asserted; only that the streams were valid (no frame refused) and every part ran.

/** A benchmark run of the built CLI, bounded well below the test's own timeout. */
function runBench(args: readonly string[]): Promise<CliResult> {
  return runCliAsync(args, {}, 110_000);
}

const positive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;

describe("bench relay", () => {
  it("--quick --json prints every figure as a finite positive number from valid streams", async () => {
    const run = await runBench(["bench", "relay", "--json", "--quick"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const figures = JSON.parse(run.stdout) as Record<string, unknown> & { settings: { sessions: number[] } };
    expect(figures.settings.sessions).toEqual([20, 50]);
    const keys = [...REQUIRED_FIGURES, ...figures.settings.sessions.flatMap((n) => [`p50_ms_${n}`, `p99_ms_${n}`, `latency_samples_${n}`])];
    for (const key of keys) expect([key, figures[key]]).toSatisfy(([, v]: [string, unknown]) => positive(v));
    expect(figures.throughput_frame_errors).toBe(0);
    expect(figures.latency_frame_errors).toBe(0);
    for (const reference of ["sanitize_html_keep_as_is_vs_tokenize", "sanitize_html_discard_all_vs_tokenize", "sanitize_html_forward_vs_bare_forward"]) {
      expect([reference, figures[reference]]).toSatisfy(([, v]: [string, unknown]) => positive(v));
    }
  }, 120_000);

  it("names the latency figures after the default levels: p50_ms_100, p99_ms_100, p50_ms_1000, p99_ms_1000", () => {
    const run = (sessions: number) => ({ sessions, p50: 1, p99: 2, samples: 3, unanswered: 0, errors: 0 });
    const names = Object.keys(latencyFigures(DEFAULT_LATENCY_LEVELS.map(run)));
    expect(names).toEqual(expect.arrayContaining(["p50_ms_100", "p99_ms_100", "p50_ms_1000", "p99_ms_1000"]));
  });

  it("refuses bad bounds with a message instead of running", async () => {
    const run = await runBench(["bench", "relay", "--json", "--sessions", "0,5000"]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--sessions takes");
    expect(run.stdout).toBe("");
  });
});
