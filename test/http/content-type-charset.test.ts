import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/routes/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

// Every answer with a body states its type, and textual types their character set (ASVS V4.1.1):
// each route of the route table is called as an anonymous client (answers and refusals alike),
// plus an unknown path and a console page.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const textual = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/;

describe("Content-Type of every response", () => {
  it("names the type of every body, with charset=utf-8 for text", async () => {
    const problems: string[] = [];
    const paths = [...allRoutes.map((r) => ({ method: r.method, path: r.path.replace(/:(\w+)/g, "x$1") })), { method: "GET", path: "/no-such-page" }, { method: "GET", path: "/console/chats" }];
    for (const { method, path } of paths) {
      const res = await fetch(`${server.url}${path}`, { method, headers: { "accept-encoding": "identity" } });
      const body = await res.arrayBuffer();
      if (body.byteLength === 0) continue;
      const type = res.headers.get("content-type") ?? "";
      if (!type) problems.push(`${method} ${path} (${res.status}): no Content-Type`);
      else if (textual.test(type) && !/;\s*charset=utf-8$/i.test(type)) problems.push(`${method} ${path} (${res.status}): ${type}`);
    }
    expect(paths.length).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});
