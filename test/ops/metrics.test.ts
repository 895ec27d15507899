import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("metrics listener", () => {
  it("serves Prometheus metrics on its own port with request counts and latencies per route", async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/healthz`);
    expect(server.metricsUrl).toBeDefined();
    expect(new URL(server.metricsUrl ?? "").port).not.toBe(new URL(server.url).port);
    const res = await fetch(server.metricsUrl ?? "");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/airlock_http_requests_total\{method="GET",route="\/healthz",status="200"\} 2/);
    expect(text).toContain('airlock_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz",status="200"}');
    expect(text).toContain("airlock_process_cpu_seconds_total");
  });

  it("is not served on the public listener", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});
