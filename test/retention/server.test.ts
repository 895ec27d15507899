import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("retention in the running server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it("runs at start with the audit trail and login sessions registered, logging counts only, with metrics", async () => {
    // startServer returns once the first run has ended.
    expect(server.logText()).toContain('"msg":"retention applied"');
    const line = server.logText().split("\n").find((l) => l.includes('"msg":"retention applied"')) ?? "";
    const logged = JSON.parse(line) as Record<string, unknown>;
    // Counts per kind and nothing else (chat registers chatTranscripts alongside these two).
    expect(logged.pruned).toMatchObject({ auditTrail: 0, loginSessions: 0 });
    expect(Object.values(logged.pruned as object).every((n) => typeof n === "number")).toBe(true);
    expect(Object.keys(logged).sort()).toEqual(["durationMs", "failed", "level", "msg", "pruned", "service", "time"].sort());

    const metrics = await (await fetch(server.metricsUrl ?? "")).text();
    expect(metrics).toMatch(/^airlock_retention_runs_total\{outcome="ok"\} [1-9]/m);
    expect(metrics).toMatch(/^airlock_retention_pruned_total\{kind="auditTrail"\} 0$/m);
    expect(metrics).toMatch(/^airlock_retention_pruned_total\{kind="loginSessions"\} 0$/m);
  });

  it("uses the documented default interval of one hour", () => {
    expect(server.config.retentionIntervalMs).toBe(3_600_000);
  });
});
