import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/routes/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

// CORS (ASVS V3.4.2): only the public visitor script, the same for everyone and without
// credentials, is readable cross-origin (Access-Control-Allow-Origin *). No other route sends a
// CORS header to a foreign Origin, preflights included, so no response with data is shared.

const foreign = "https://evil.example";
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((h) => h.startsWith("access-control-"));

describe("CORS headers", () => {
  it("the visitor script alone is shared cross-origin, with * and no credentials", async () => {
    const res = await fetch(`${server.url}/siteconnect.js`, { headers: { origin: foreign } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("no other route, and no preflight, sends a CORS header to a foreign Origin", async () => {
    const found: string[] = [];
    for (const route of allRoutes) {
      if (route.path === "/siteconnect.js") continue;
      const url = `${server.url}${route.path.replace(/:(\w+)/g, "x$1")}`;
      const asked = await fetch(url, { method: route.method, headers: { origin: foreign } });
      const preflight = await fetch(url, { method: "OPTIONS", headers: { origin: foreign, "access-control-request-method": route.method } });
      for (const [what, res] of [["request", asked], ["preflight", preflight]] as const) {
        if (corsHeaders(res).length > 0) found.push(`${route.method} ${route.path} (${what}): ${corsHeaders(res).join(", ")}`);
      }
    }
    expect(allRoutes.length).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });
});
