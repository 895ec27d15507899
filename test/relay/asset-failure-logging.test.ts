import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FAILURE_LOG_LIMITS } from "../../src/http/failure-log.js";
import type { AssetKind } from "../../src/relay/sanitizer/asset-url.js";
import { freePort } from "../helpers/ports.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { startAssetProxyAirlock, type LiveSession } from "./helpers/live-session.js";
import { startUpstream, streamBytes, type Upstream } from "./asset-proxy-upstream.js";
import { errorOf } from "../helpers/error-body.js";

// Asset failures a page (or whoever controls its host) can cause are expected: each answers its
// own code and logs one warn line with the code, no stack and no URL, and a flood of them leaves
// a bounded number of lines. Real Airlock (dev IdP, TOTP, SQLite) in front of a loopback page host.

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
let up: Upstream;
let closedOrigin: string;
let server: TestServer;
let agent: HttpAgent;

let live: LiveSession;
const assetUrl = (url: string, kind: AssetKind = "image") => live.assetUrl(url, kind);

const lines = () => server.logLines();
const warnsOf = (code: string) => lines().filter((l) => l.msg === "upstream failed" && l.code === code);

beforeAll(async () => {
  up = await startUpstream();
  closedOrigin = `http://127.0.0.1:${await freePort()}`; // nothing listens: the connection is refused
  up.route("/ok.png", (res) => res.writeHead(200, { "content-type": "image/png" }).end(PNG));
  up.route("/page.html", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<p>hi</p>"));
  up.route("/big.png", streamBytes(up.written, "/big.png", "image/png", 256 * 1024));
  up.route("/silent.png", () => undefined); // never answers
  ({ server, agent, live } = await startAssetProxyAirlock([up.origin, closedOrigin], {
    AIRLOCK_ASSET_PROXY_MAX_BYTES: "4096",
    AIRLOCK_ASSET_PROXY_TIMEOUT_MS: "300",
    AIRLOCK_ASSET_PROXY_CACHE_BYTES: "0",
  }));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await up?.close();
});

describe("asset proxy failures are logged as expected, not as faults", () => {
  it.each([
    ["too large", "/big.png", 502, "asset_too_large"],
    ["wrong type", "/page.html", 502, "asset_type_refused"],
    ["timeout", "/silent.png", 504, "asset_timeout"],
    ["upstream answered 404", "/missing.png", 502, "asset_upstream_failed"],
  ])("%s (%s): answers %i and logs one warn line with code %s, without a stack", async (_kind, path, status, code) => {
    const res = await agent.request(assetUrl(`${up.origin}${path}`));
    expect([res.status, errorOf(res.body).code]).toEqual([status, code]);
    const warns = warnsOf(code);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ level: "warn", cause: "upstream", route: "/relay/v1/asset" });
  });

  it("upstream refused: answers 502 asset_upstream_failed and logs at warn", async () => {
    const before = warnsOf("asset_upstream_failed").length;
    const res = await agent.request(assetUrl(`${closedOrigin}/x.png`));
    expect([res.status, errorOf(res.body).code]).toEqual([502, "asset_upstream_failed"]);
    expect(warnsOf("asset_upstream_failed").length).toBe(before + 1);
  });

  it("a flood of failures leaves a bounded number of lines", async () => {
    const flood = 60;
    for (let i = 0; i < flood; i++) {
      const res = await agent.request(assetUrl(`${up.origin}/page.html?n=${i}`));
      expect(res.status).toBe(502);
    }
    // One access line per request, but the failure lines stop at the per-code window limit.
    expect(warnsOf("asset_type_refused").length).toBe(DEFAULT_FAILURE_LOG_LIMITS.linesPerWindow);
    expect(lines().filter((l) => l.msg === "http request" && l.route === "/relay/v1/asset").length).toBeGreaterThanOrEqual(flood);
  });

  it("logs nothing at error, no stack and no asset URL", () => {
    expect(lines().filter((l) => l.level === "error" || l.level === "fatal")).toEqual([]);
    const text = server.logText();
    expect(text).not.toContain("stack");
    expect(text).not.toContain("page.html");
    expect(text).not.toContain(closedOrigin);
  });
});
