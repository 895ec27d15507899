import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { errorOf } from "../helpers/error-body.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ AIRLOCK_BODY_LIMIT_BYTES: "2048" });
});
afterAll(() => server.stop());

type Answer = { error?: { code: string; message: string; requestId: string } };

async function post(body: string, contentType = "application/json"): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${server.url}/api/v1/csp-report`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, json: res.status === 204 ? {} : ((await res.json()) as Answer) };
}

describe("one error model", () => {
  it("answers health and readiness", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { lifecycle: "ok", database: "ok", migrations: "ok", keyVault: "ok", bus: "ok" } });
  });

  it("rejects malformed JSON with invalid_body", async () => {
    const r = await post("{not json");
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: "invalid_body", message: "request body is not valid JSON" });
    expect(r.json.error?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects a body of the wrong shape with invalid_body and the failing path", async () => {
    const r = await post(JSON.stringify({ "csp-report": "nope" }));
    expect(r.status).toBe(400);
    expect(r.json.error?.code).toBe("invalid_body");
  });

  it("rejects an oversized body with payload_too_large", async () => {
    const r = await post(JSON.stringify({ "csp-report": { pad: "x".repeat(4096) } }));
    expect(r.status).toBe(413);
    expect(r.json.error).toMatchObject({ code: "payload_too_large", message: "request body exceeds 2048 bytes" });
  });

  it("answers unknown paths with not_found JSON and wrong methods with method_not_allowed", async () => {
    const missing = await fetch(`${server.url}/no/such/thing`);
    expect(missing.status).toBe(404);
    expect(errorOf(await missing.json()).code).toBe("not_found");
    const wrong = await fetch(`${server.url}/healthz`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(errorOf(await wrong.json()).code).toBe("method_not_allowed");
  });

  it("accepts a valid CSP report", async () => {
    expect((await post(JSON.stringify({ "csp-report": { "effective-directive": "img-src" } }), "application/csp-report")).status).toBe(204);
    expect(server.logText()).toContain('"directive":"img-src"');
  });
});

describe("content types", () => {
  it("rejects a non-JSON body on a JSON route with unsupported_media_type", async () => {
    const res = await fetch(`${server.url}/api/v1/csp-report`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(res.status).toBe(415);
    expect(errorOf(await res.json()).code).toBe("unsupported_media_type");
  });
});
