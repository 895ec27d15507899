import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { rawExchange, parseResponse, rawRequest } from "./raw-http.js";
import { errorOf } from "../helpers/error-body.js";

// Methods no route takes answer 405 (with Allow) or 501 through the one error model: never 500,
// never a stack in the log, and logged as what they are, a client's request refused.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const lines = () => server.logLines();

describe("unsupported methods", () => {
  it("TRACE / answers 501 not_implemented with the path's Allow header", async () => {
    const res = await rawRequest(server.url, "TRACE", "/");
    expect(res?.status).toBe(501);
    expect(res?.headers.allow?.split(", ").sort()).toEqual(["GET", "HEAD"]);
    expect(errorOf(res?.body ?? "{}")).toMatchObject({ code: "not_implemented", message: "this method is not supported" });
  });

  it.each(["TRACE", "PROPFIND", "MKCOL", "LOCK", "SEARCH"])("%s on an unknown path answers 501 without Allow", async (method) => {
    const res = await rawRequest(server.url, method, "/no/such/thing");
    expect(res?.status).toBe(501);
    expect(res?.headers.allow).toBeUndefined();
    expect(errorOf(res?.body ?? "{}").code).toBe("not_implemented");
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("%s on a GET-only route answers 405 method_not_allowed with Allow", async (method) => {
    const res = await rawRequest(server.url, method, "/healthz");
    expect(res?.status).toBe(405);
    expect(res?.headers.allow?.split(", ").sort()).toEqual(["GET", "HEAD"]);
    expect(errorOf(res?.body ?? "{}").code).toBe("method_not_allowed");
  });

  it("OPTIONS answers the Allow list, HEAD answers like GET without a body", async () => {
    const options = await rawRequest(server.url, "OPTIONS", "/healthz");
    expect(options?.status).toBe(200);
    expect(options?.headers.allow?.split(", ").sort()).toEqual(["GET", "HEAD"]);
    const head = await rawRequest(server.url, "HEAD", "/healthz");
    expect(head?.status).toBe(200);
    expect(head?.body).toBe("");
  });

  it("CONNECT is not proxied: the connection is closed without an answer", async () => {
    const raw = await rawExchange(server.url, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(raw).toBe("");
  });

  it("a method that is not HTTP answers 400 bad_request from the parser, in the same JSON shape", async () => {
    const res = parseResponse(await rawExchange(server.url, "BREW / HTTP/1.1\r\nHost: airlock.test\r\n\r\n"));
    expect(res?.status).toBe(400);
    expect(errorOf(res?.body ?? "{}").code).toBe("bad_request");
  });

  it("logs each refusal at info with its code, never at error, never a stack", () => {
    const all = lines();
    expect(all.filter((l) => l.level === "error" || l.level === "fatal")).toEqual([]);
    expect(server.logText()).not.toContain("stack");
    expect(all.some((l) => l.msg === "http request" && l.method === "TRACE" && l.status === 501 && l.code === "not_implemented")).toBe(true);
    const refused = all.filter((l) => l.msg === "request refused");
    expect(refused.map((l) => l.code)).toEqual(expect.arrayContaining(["not_implemented", "method_not_allowed", "bad_request"]));
    for (const l of refused) expect([l.level, l.cause]).toEqual(["info", "client"]);
  });
});
