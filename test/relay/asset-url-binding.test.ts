import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirlockError } from "../../src/errors.js";
import { AssetProxy } from "../../src/relay/asset-proxy/asset-proxy.js";
import { assetSigningKey } from "../../src/relay/asset-proxy/signing-key.js";
import { defaultCssAllowlist } from "../../src/relay/sanitizer/allowlist.js";
import { AssetUrlSigner, type AssetRef } from "../../src/relay/sanitizer/asset-url.js";
import { CssRules } from "../../src/relay/sanitizer/css-rules.js";
import { readAllowlist } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { bankSitesYaml, policyDir } from "../policy/policy-dir.js";
import { startUpstream, type Upstream } from "./asset-proxy-upstream.js";
import { openLiveSession } from "./helpers/live-session.js";

// Finding: signed asset URLs never expired and were bound to nothing but the site, so they
// survived the session and restarts, and a signature with a trailing `=` (or any other spelling
// the lenient base64 decoder forgave) was accepted. Each URL now names its session and an expiry,
// the query must be exactly the canonical one, and the proxy refuses a URL once its session has ended.

const PUBLIC_URL = "https://airlock.bank.example";
const ORIGIN = "https://bank.example";
const NOW = 1_800_000_000_000;
const masterKey = new Uint8Array(32).fill(7);
const signer = new AssetUrlSigner(PUBLIC_URL, assetSigningKey(masterKey));
const ref: AssetRef = { site: "bank", url: `${ORIGIN}/logo.png`, kind: "image", room: "room-1", expires: NOW / 1000 + 60 };
const queryOf = (url: string) => url.slice(url.indexOf("?") + 1);
const signed = queryOf(signer.sign(ref));
const mac = new URLSearchParams(signed).get("h") ?? "";

describe("asset URLs are canonical: any other spelling of a signed query is refused", () => {
  it("accepts exactly what it signed", () => {
    expect(signer.verify(signed, NOW)).toEqual({ ok: true, ref });
  });

  it.each([
    ["a trailing = on the signature", signed.replace(`h=${mac}`, `h=${mac}=`)],
    ["a trailing %3D on the signature", signed.replace(`h=${mac}`, `h=${mac}%3D`)],
    ["padding ==", signed.replace(`h=${mac}`, `h=${mac}%3D%3D`)],
    ["the last character's unused bits set", signed.replace(`h=${mac}`, `h=${mac.slice(0, -1)}${String.fromCharCode(mac.charCodeAt(42) + 1)}`)],
    ["standard base64 instead of base64url", signed.replace(`h=${mac}`, `h=${encodeURIComponent(Buffer.from(mac, "base64url").toString("base64"))}`)],
    ["the signature twice", `${signed}&h=${mac}`],
    ["an extra parameter", `${signed}&x=1`],
    ["parameters reordered", signed.split("&").reverse().join("&")],
    ["a percent-encoded letter in the URL", signed.replace("logo", "%6Cogo")],
    ["a leading zero on the expiry", signed.replace(`e=${ref.expires}`, `e=0${ref.expires}`)],
    ["no room", signed.replace(/&r=[^&]*/, "")],
  ])("refuses %s", (_name, query) => {
    expect(query).not.toBe(signed);
    expect(signer.verify(query, NOW)).toEqual({ ok: false, reason: "invalid" });
  });

  it("a URL moved to another room or given a later expiry no longer verifies", () => {
    expect(signer.verify(signed.replace("r=room-1", "r=room-2"), NOW).ok).toBe(false);
    expect(signer.verify(signed.replace(`e=${ref.expires}`, `e=${ref.expires + 3600}`), NOW).ok).toBe(false);
  });
});

describe("asset URLs expire and die with their room", () => {
  const proxy = new AssetProxy({
    signer,
    siteOrigins: (id) => (id === "bank" ? [ORIGIN] : undefined),
    cssRules: () => new CssRules(defaultCssAllowlist),
    rules: { allowLoopback: false },
    limits: { maxBytes: 1024, timeoutMs: 1_000, maxRedirects: 0 },
    cacheBytes: 0,
    // No network: a URL that passes every check is refused at the address check of a name that does not resolve.
    lookup: async () => [],
  });
  const codeOf = async (work: Promise<unknown>) => {
    try {
      await work;
      return "served";
    } catch (err) {
      return err instanceof AirlockError ? err.code : String(err);
    }
  };

  it("refuses a URL after its expiry (asset_url_expired)", async () => {
    expect(signer.verify(signed, NOW + 61_000)).toEqual({ ok: false, reason: "expired" });
    expect(await codeOf(proxy.serve(signed, () => true, NOW + 61_000))).toBe("asset_url_expired");
  });

  it("refuses a URL whose room has ended (asset_room_ended), and serves it while the room runs", async () => {
    expect(await codeOf(proxy.serve(signed, (session) => session === "room-1", NOW))).toBe("asset_upstream_failed");
    expect(await codeOf(proxy.serve(signed, () => false, NOW))).toBe("asset_room_ended");
  });

  it("after a restart the key is the same but the room is gone: old URLs are refused", async () => {
    const restarted = new AssetProxy({
      signer: new AssetUrlSigner(PUBLIC_URL, assetSigningKey(masterKey)),
      siteOrigins: () => [ORIGIN],
      cssRules: () => new CssRules(defaultCssAllowlist),
      rules: { allowLoopback: false },
      limits: { maxBytes: 1024, timeoutMs: 1_000, maxRedirects: 0 },
      cacheBytes: 0,
    });
    // A fresh relay knows no sessions.
    expect(await codeOf(restarted.serve(signed, () => false, NOW))).toBe("asset_room_ended");
  });

  it("a room's sanitizer writes URLs bound to its room that expire with the longest session", () => {
    const sanitizer = new Sanitizer({
      allowlist: readAllowlist(path.resolve("policies")),
      signer,
      site: { id: "bank", origins: [ORIGIN] },
      maskSelectors: [],
    }).forSession("room-9", 120 * 60_000, () => NOW);
    const html = sanitizer.html('<img src="/a.png" style="background:url(/b.png)">', `${ORIGIN}/`, { parent: 0, svg: false }).html;
    const urls = [...html.matchAll(/https:\/\/airlock\.bank\.example[^"')]+/g)].map((m) => m[0].replace(/&amp;/g, "&"));
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      const verified = signer.verify(queryOf(url), NOW);
      expect(verified).toMatchObject({ ok: true, ref: { room: "room-9", expires: NOW / 1000 + 7200 } });
    }
  });
});

describe("asset URLs on a running Airlock", () => {
  let up: Upstream;
  let server: TestServer;
  let agent: HttpAgent;
  const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

  beforeAll(async () => {
    up = await startUpstream();
    up.route("/logo.png", (res) => res.writeHead(200, { "content-type": "image/png" }).end(PNG));
    up.route("/site.css", (res) => res.writeHead(200, { "content-type": "text/css" }).end(".a{background:url(/logo.png)}"));
    const sites = bankSitesYaml(up.origin);
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": sites }), AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK: "true" });
    ({ agent } = await signInEnrolled(server, "agent"));
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await up?.close();
  });

  const code = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

  it("serves a room's URLs while the room runs, stylesheets' URLs included, and refuses them all once it ends", async () => {
    const live = openLiveSession(server, up.origin, "bank-site-key-00001");
    const image = live.assetUrl(`${up.origin}/logo.png`);
    const stylesheet = live.assetUrl(`${up.origin}/site.css`, "style");
    expect((await agent.request(image)).status).toBe(200);
    const css = await agent.request(stylesheet);
    expect(css.status).toBe(200);
    const inner = /url\(([^)]+)\)/.exec(css.body)?.[1] ?? "";
    expect(new URLSearchParams(queryOf(inner)).get("r")).toBe(live.room);
    expect((await agent.request(inner)).status).toBe(200);

    live.end();
    for (const url of [image, stylesheet, inner]) {
      const res = await agent.request(url);
      expect([res.status, code(res.body)]).toEqual([410, "asset_room_ended"]);
    }
  });

  it("refuses an expired URL and a padded signature with specific codes", async () => {
    const live = openLiveSession(server, up.origin, "bank-site-key-00001");
    const expired = await agent.request(live.assetUrl(`${up.origin}/logo.png`, "image", -1_000));
    expect([expired.status, code(expired.body)]).toEqual([410, "asset_url_expired"]);
    const padded = await agent.request(`${live.assetUrl(`${up.origin}/logo.png`)}=`);
    expect([padded.status, code(padded.body)]).toEqual([403, "asset_signature_invalid"]);
    live.end();
  });
});
