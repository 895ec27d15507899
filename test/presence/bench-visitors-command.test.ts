import { describe, expect, it } from "vitest";
import { runCliAsync, type CliResult } from "../helpers/cli.js";

// `bin/airlock bench visitors` as an operator runs it (the built CLI), with tiny bounds: one JSON
// object with every figure, each a finite number; every visitor connected and every probe's page
// view reached the agent's query. Speeds are never asserted.

/** A benchmark run of the built CLI, bounded well below the test's own timeout. */
function runBench(args: readonly string[]): Promise<CliResult> {
  return runCliAsync(args, {}, 110_000);
}

const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);

describe("bench visitors", () => {
  it("--json with tiny bounds prints every figure: memory per visitor, CPU per connect, against bare ws, presence latency", async () => {
    const run = await runBench(["bench", "visitors", "--json", "--visitors", "40", "--probes", "3", "--probe-interval-ms", "300", "--timeout-seconds", "100"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const f = JSON.parse(run.stdout) as {
      visitors_connected: number;
      connect_failures: number;
      airlock: Record<string, number>;
      bare_ws: Record<string, number>;
      airlock_vs_bare: Record<string, number>;
      presence_latency_ms: Record<string, number>;
      query_eval_ms: number;
      list_snapshot_ms: number;
      projected_rss_mb_at_20000: number;
    };
    expect(f.visitors_connected).toBe(40);
    expect(f.connect_failures).toBe(0);
    for (const side of [f.airlock, f.bare_ws]) for (const key of ["rss_kb_per_visitor", "heap_kb_per_visitor", "cpu_ms_per_connect", "rss_mb_after"]) expect([key, side[key]]).toSatisfy(([, v]: [string, unknown]) => finite(v));
    expect(f.presence_latency_ms).toMatchObject({ visitors: 40, probes: 3 });
    for (const key of ["p50", "p99", "max"]) expect([key, f.presence_latency_ms[key]]).toSatisfy(([, v]: [string, unknown]) => finite(v));
    for (const v of [f.query_eval_ms, f.list_snapshot_ms, f.projected_rss_mb_at_20000, f.airlock_vs_bare.cpu]) expect(finite(v)).toBe(true);
  }, 120_000);

  it("refuses bad bounds with a message instead of running", async () => {
    const run = await runBench(["bench", "visitors", "--json", "--visitors", "0"]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--visitors takes");
    expect(run.stdout).toBe("");
  });
});
