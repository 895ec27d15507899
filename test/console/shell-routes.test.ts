import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

// The console shell and its assets as the server answers them (the bundle comes from `npm run build`).
const expectedCsp =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self';font-src 'self';connect-src 'self';" +
  "object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self';require-trusted-types-for 'script';" +
  "trusted-types airlock-console;report-uri /api/v1/csp-report";

describe("console shell routes", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it("answers every console path with the same data-free shell under the strict CSP with Trusted Types", async () => {
    const bodies = new Set<string>();
    for (const path of ["/console/", "/console/sign-in", "/console/sessions", "/console/some/deep/page"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toBe(expectedCsp);
      expect(res.headers.get("cache-control")).toBe("no-store");
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    const [shell = ""] = bodies;
    expect(shell).toContain('<script src="/console/assets/console.js" defer></script>');
    expect(shell).not.toMatch(/<script>|<style|style=/); // nothing inline
  });

  it("redirects /console to /console/", async () => {
    const res = await fetch(`${server.url}/console`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/console/");
  });

  it("serves the built script and stylesheet with revalidation, and nothing else under assets", async () => {
    const js = await fetch(`${server.url}/console/assets/console.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("no-cache");
    const etag = js.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await fetch(`${server.url}/console/assets/console.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
    const css = await fetch(`${server.url}/console/assets/console-style.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const path of ["/console/assets/other.js", "/console/assets/..%2F..%2Fpackage.json", "/console/assets/", "/console/assets/x/console.js"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });

  it("answers console paths only inside the agent network allowlist (403 from outside)", async () => {
    const res = await fetch(`${server.url}/console/`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden", details: { reason: "network_not_allowed" } } });
  });
});
