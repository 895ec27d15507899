import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli, waitForLog } from "../helpers/cli.js";
import { startOtlpReceiver, type OtlpReceiver } from "./otlp-receiver.js";

// `airlock serve` as operators run it. Without OTEL_* variables no OpenTelemetry SDK module is
// even resolved (OTEL_SDK_DISABLED=true: src/telemetry/settings.test.ts) (the no-op API package is:
// prom-client requires it); with an OTLP endpoint the
// process exports over http/protobuf (the default protocol) and flushes on SIGTERM.

const recorder = new URL("./module-recorder.mjs", import.meta.url).href;

async function serveOnce(env: Record<string, string>): Promise<{ modules: string[]; exitCode: number | null }> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-otel-"));
  const moduleLog = path.join(dir, "modules.txt");
  const child = spawnCli(["serve", "--migrate"], { AIRLOCK_DATA_DIR: dir, AIRLOCK_TEST_MODULE_LOG: moduleLog, ...env }, ["--import", recorder]);
  try {
    const listening = await waitForLog(child, "airlock listening");
    const health = await fetch(`${String(listening.url)}/healthz?token=canary-serve-token`);
    expect(health.status).toBe(200);
  } finally {
    child.kill("SIGTERM");
  }
  const exitCode = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const modules = existsSync(moduleLog) ? readFileSync(moduleLog, "utf8").split("\n").filter(Boolean) : [];
  return { modules: modules.filter((m) => !m.includes("/@opentelemetry/api/")), exitCode };
}

describe("airlock serve and OpenTelemetry", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it("is off by default: no OpenTelemetry SDK module is loaded", async () => {
    expect(await serveOnce({})).toEqual({ modules: [], exitCode: 0 });
    expect(receiver.bodies).toEqual([]);
  });

  it("with an OTLP endpoint it exports http/protobuf and flushes the last spans on SIGTERM", async () => {
    const on = await serveOnce({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "600000", OTEL_METRIC_EXPORT_INTERVAL: "600000" });
    expect(on.exitCode).toBe(0);
    expect(on.modules.some((m) => m.includes("/@opentelemetry/sdk-node/"))).toBe(true);
    // The batch delay is ten minutes: spans arrived because shutdown flushed them.
    const traces = receiver.bodies.filter((b) => b.path === "/v1/traces");
    expect(traces.map((b) => b.contentType)).toContain("application/x-protobuf");
    const bytes = Buffer.concat(traces.map((b) => b.bytes)).toString("latin1");
    expect(bytes).toContain("GET /healthz");
    expect(bytes).not.toContain("canary-serve-token");
  });
});
