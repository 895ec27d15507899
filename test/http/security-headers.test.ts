import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

// Exact values: a weakened header must fail this test, not slip through a `toContain`.
const expectedCsp =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self';font-src 'self';connect-src 'self';" +
  "object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self';require-trusted-types-for 'script';" +
  "trusted-types airlock-console;" +
  "report-uri /api/v1/csp-report";

const common: Record<string, string> = {
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "permissions-policy":
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), " +
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), xr-spatial-tracking=()",
  "cache-control": "no-store",
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("security headers", () => {
  const cases: [string, () => Promise<Response>][] = [
    ["the root page", () => fetch(`${server.url}/`)],
    ["an API route (POST /api/v1/csp-report)", () =>
      fetch(`${server.url}/api/v1/csp-report`, {
        method: "POST",
        headers: { "content-type": "application/csp-report" },
        body: JSON.stringify({ "csp-report": { "effective-directive": "script-src-elem" } }),
      })],
    ["an API error (unknown /api route)", () => fetch(`${server.url}/api/v1/nope`)],
    ["/readyz", () => fetch(`${server.url}/readyz`)],
  ];

  it.each(cases)("%s carries every header with its exact value", async (_name, request) => {
    const res = await request();
    for (const [name, value] of Object.entries(common)) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get("content-security-policy")).toBe(expectedCsp);
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lets only the stylesheet be cached", async () => {
    const res = await fetch(`${server.url}/assets/site.css`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });
});
