import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ASSET_CSP } from "../../src/relay/asset-proxy/route.js";
import type { AssetKind } from "../../src/relay/sanitizer/asset-url.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { configIssues, productionEnv } from "../helpers/config-env.js";
import type { TestServer } from "../helpers/server.js";
import { startAssetProxyAirlock, type LiveSession } from "./helpers/live-session.js";
import { startUpstream, type Upstream } from "./asset-proxy-upstream.js";
import { errorOf } from "../helpers/error-body.js";

// GET /relay/v1/asset on a real Airlock (dev IdP sign-in, TOTP, SQLite) in front of a loopback page
// host registered as a site origin, with the dev-mode loopback exception on.

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const CANARY = "asset-canary-5c1d";

let up: Upstream;
let server: TestServer;
let agent: HttpAgent;

let live: LiveSession;
const assetUrl = (url: string, kind: AssetKind = "image") => live.assetUrl(url, kind);

beforeAll(async () => {
  up = await startUpstream();
  up.route(`/${CANARY}.png`, (res) => res.writeHead(200, { "content-type": "image/png", "set-cookie": "upstream=1; Path=/" }).end(PNG));
  up.route("/page.html", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<p>hi</p>"));
  ({ server, agent, live } = await startAssetProxyAirlock([up.origin]));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await up?.close();
});

describe("asset proxy route", () => {
  it("serves a signed asset to a signed-in agent with nosniff, a no-script CSP and CORP, and forwards no cookie", async () => {
    const res = await agent.request(assetUrl(`${up.origin}/${CANARY}.png`));
    expect(res.status).toBe(200);
    const raw = await fetch(assetUrl(`${up.origin}/${CANARY}.png`), { headers: { cookie: agent.cookieHeader() } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toBe("image/png");
    expect(raw.headers.get("x-content-type-options")).toBe("nosniff");
    expect(raw.headers.get("content-security-policy")).toBe(ASSET_CSP);
    expect(raw.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(raw.headers.get("set-cookie")).toBeNull();
    expect(Buffer.from(await raw.arrayBuffer()).equals(PNG)).toBe(true);
    for (const r of up.requests) expect(r.headers.cookie).toBeUndefined();
  });

  it("answers 401 without an agent session", async () => {
    const res = await fetch(assetUrl(`${up.origin}/${CANARY}.png`));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });

  it("answers 403 to a signed-in agent whose roles do not grant cobrowse:view", async () => {
    const { agent: auditor } = await signInEnrolled(server, "auditor");
    const res = await auditor.request(assetUrl(`${up.origin}/${CANARY}.png`));
    expect(res.status).toBe(403);
    expect(errorOf(res.body).code).toBe("forbidden");
  });

  it("answers specific codes for an unsigned URL, a foreign origin and a wrong content type", async () => {
    const forged = new URL(assetUrl(`${up.origin}/${CANARY}.png`));
    forged.searchParams.set("u", "https://evil.test/x.png");
    expect(errorOf((await agent.request(forged.href)).body).code).toBe("asset_signature_invalid");
    const foreign = await agent.request(assetUrl("https://evil.test/x.png"));
    expect([foreign.status, errorOf(foreign.body).code]).toEqual([403, "asset_origin_refused"]);
    const typed = await agent.request(assetUrl(`${up.origin}/page.html`));
    expect([typed.status, errorOf(typed.body).code]).toEqual([502, "asset_type_refused"]);
  });

  it("logs no asset URL", () => {
    const logs = server.logText();
    expect(logs).toContain("/relay/v1/asset");
    expect(logs).not.toContain(CANARY);
    expect(logs).not.toContain("evil.test");
  });
});

describe("asset proxy configuration", () => {
  it("production refuses the loopback exception", () => {
    const production = productionEnv();
    expect(loadConfig(production).config.assetProxyAllowLoopback).toBe(false);
    const fields = configIssues({ ...production, AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK: "true" }).map((i) => i.field);
    expect(fields).toEqual(["assetProxyAllowLoopback"]);
  });

  it("is off by default in dev mode too", () => {
    expect(loadConfig({}).config.assetProxyAllowLoopback).toBe(false);
  });
});
