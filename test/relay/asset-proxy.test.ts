import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirlockError } from "../../src/errors.js";
import { judgeAddress } from "../../src/http/egress/address-policy.js";
import { AssetProxy, type AssetProxyOptions } from "../../src/relay/asset-proxy/asset-proxy.js";
import type { HostLookup, ResolvedAddress } from "../../src/relay/asset-proxy/resolver.js";
import { USER_AGENT } from "../../src/relay/asset-proxy/upstream.js";
import { defaultCssAllowlist } from "../../src/relay/sanitizer/allowlist.js";
import { AssetUrlSigner, type AssetKind } from "../../src/relay/sanitizer/asset-url.js";
import { CssRules } from "../../src/relay/sanitizer/css-rules.js";
import { startUpstream, streamBytes, type Upstream } from "./asset-proxy-upstream.js";

// The asset proxy against real HTTP servers on loopback. Test host names (bank.test…) are mapped
// by an injected resolver, which also counts lookups; the loopback exception is on only where a
// test wants a fetch to succeed.

const PUBLIC_URL = "https://airlock.bank.example";
const LIVE_ROOM = "room-1";
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

let up: Upstream;
let hostOrigin: string; // http://bank.test:PORT, resolved to 127.0.0.1 by the fake resolver
let cdnOrigin: string; // http://cdn.bank.test:PORT, resolved to a private address

function fakeDns(map: Record<string, readonly string[]>) {
  const calls: string[] = [];
  const lookup: HostLookup = async (hostname) => {
    calls.push(hostname);
    const found = map[hostname];
    if (!found) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    return found.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { lookup, calls };
}

function proxyFor(origins: readonly string[], over: Partial<AssetProxyOptions> & { dns?: ReturnType<typeof fakeDns> } = {}) {
  const dns = over.dns ?? fakeDns({ "bank.test": ["127.0.0.1"], "cdn.bank.test": ["10.0.0.7"] });
  const signer = new AssetUrlSigner(PUBLIC_URL);
  const inner = new AssetProxy({
    signer,
    siteOrigins: (id) => (id === "bank" ? origins : undefined),
    cssRules: () => new CssRules(defaultCssAllowlist),
    rules: { allowLoopback: true },
    limits: { maxBytes: 64 * 1024, timeoutMs: 5_000, maxRedirects: 3 },
    cacheBytes: 0,
    lookup: dns.lookup,
    ...over,
  });
  // URLs of a live session, valid for an hour (signed-URL binding is tested in asset-url-binding.test.ts).
  const expires = Math.ceil(Date.now() / 1000) + 3600;
  const query = (url: string, kind: AssetKind = "image", site = "bank") => new URL(signer.sign({ site, url, kind, room: LIVE_ROOM, expires })).search.slice(1);
  const proxy = { serve: (q: string) => inner.serve(q, (session) => session === LIVE_ROOM) };
  return { proxy, signer, dns, query };
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (err instanceof AirlockError) return err.code;
    throw err;
  }
  return "served";
}

beforeAll(async () => {
  up = await startUpstream();
  hostOrigin = `http://bank.test:${up.port}`;
  cdnOrigin = `http://cdn.bank.test:${up.port}`;
  up.route("/logo.png", (res) => res.writeHead(200, { "content-type": "image/png", "set-cookie": "tracker=1" }).end(PNG));
  up.route("/page.html", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<script>alert(1)</script>"));
  up.route("/untyped", (res) => res.writeHead(200).end("x"));
  up.route("/to-cdn", (res) => res.writeHead(302, { location: `${cdnOrigin}/logo.png` }).end());
  up.route("/to-metadata", (res) => res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end());
  up.route("/to-self", (res) => res.writeHead(301, { location: "/logo.png" }).end());
  up.route("/loop", (res) => res.writeHead(302, { location: "/loop" }).end());
  up.route("/big-declared", (res) => res.writeHead(200, { "content-type": "image/png", "content-length": String(10 * 1024 * 1024) }).end());
  up.route("/big-stream", streamBytes(up.written, "/big-stream", "image/png", 64 * 1024 * 1024));
  up.route("/bomb", (res) => res.writeHead(200, { "content-type": "image/png", "content-encoding": "gzip" }).end(gzipSync(Buffer.alloc(4 * 1024 * 1024))));
  up.route("/silent", () => undefined);
  up.route("/site.css", (res) =>
    res.writeHead(200, { "content-type": "text/css; charset=utf-8" }).end(
      [
        "@import url(https://evil.test/steal.css);",
        ".hero{background:url(img/bg.png) no-repeat;color:red}",
        ".x{background-image:url(https://evil.test/track.png)}",
        ".y{behavior:url(evil.htc);-moz-binding:url(evil.xml#x);width:expression(alert(1))}",
        "@font-face{font-family:F;src:url(/fonts/f.woff2) format('woff2')}",
      ].join("\n"),
    ),
  );
});

afterAll(async () => {
  await up.close();
});

describe("address policy", () => {
  it.each([
    ["8.8.8.8", true],
    ["2001:4860:4860::8888", true],
    ["127.0.0.1", false],
    ["127.8.9.10", false],
    ["::1", false],
    ["10.0.0.1", false],
    ["172.16.5.4", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["fe80::1", false],
    ["fc00::1", false],
    ["fd12:3456::1", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["::", false],
    ["224.0.0.1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:7f00:1", false],
    ["::ffff:10.0.0.1", false],
    ["::ffff:169.254.169.254", false],
    ["64:ff9b::a00:1", false],
    ["2002:a00:1::1", false],
    ["not-an-address", false],
  ])("%s allowed: %s", (address, ok) => {
    expect(judgeAddress(address, { allowLoopback: false }).ok).toBe(ok);
  });

  it("the loopback exception admits loopback only, never private or link-local", () => {
    const rules = { allowLoopback: true };
    expect(judgeAddress("127.0.0.1", rules).ok).toBe(true);
    expect(judgeAddress("::ffff:127.0.0.1", rules).ok).toBe(true);
    expect(judgeAddress("10.0.0.1", rules).ok).toBe(false);
    expect(judgeAddress("169.254.169.254", rules).ok).toBe(false);
  });
});

describe("asset proxy", () => {
  it("serves an image of a registered origin, resolved once, pinned, without credentials either way", async () => {
    const { proxy, dns, query } = proxyFor([hostOrigin]);
    const before = up.requests.length;
    const asset = await proxy.serve(query(`${hostOrigin}/logo.png`));
    expect(asset.mediaType).toBe("image/png");
    expect(asset.body.equals(PNG)).toBe(true);
    // bank.test exists only in the fake resolver: the connection went to the address it gave.
    expect(dns.calls).toEqual(["bank.test"]);
    const seen = up.requests.slice(before);
    expect(seen).toHaveLength(1);
    const headers = seen[0]?.headers ?? {};
    expect(headers["user-agent"]).toBe(USER_AGENT);
    for (const name of ["cookie", "authorization", "referer", "origin", "x-forwarded-for", "forwarded", "proxy-authorization"]) {
      expect(headers[name]).toBeUndefined();
    }
    expect(Object.keys(asset)).toEqual(["mediaType", "body"]); // nothing of the upstream's headers (Set-Cookie) comes back
  });

  it("refuses loopback when the dev-mode exception is off", async () => {
    const { proxy, query } = proxyFor([hostOrigin], { rules: { allowLoopback: false } });
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/logo.png`)))).toBe("asset_address_refused");
    const literal = proxyFor([up.origin], { rules: { allowLoopback: false } });
    expect(await codeOf(literal.proxy.serve(literal.query(`${up.origin}/logo.png`)))).toBe("asset_address_refused");
  });

  it("refuses a foreign origin without contacting it", async () => {
    const dns = fakeDns({ "bank.test": ["127.0.0.1"], "other.test": ["127.0.0.1"] });
    const { proxy, query } = proxyFor([hostOrigin], { dns });
    const before = up.requests.length;
    expect(await codeOf(proxy.serve(query(`http://other.test:${up.port}/logo.png`)))).toBe("asset_origin_refused");
    expect(dns.calls).toEqual([]);
    expect(up.requests.length).toBe(before);
  });

  it.each([
    "https://bank.example.evil.test/logo.png",
    "https://bank.example:8443/logo.png",
    "http://bank.example/logo.png",
    "https://evil.test/bank.example/logo.png",
    "https://user:pw@bank.example/logo.png",
    "https://xbank.example/logo.png",
  ])("refuses the look-alike %s", async (url) => {
    const dns = fakeDns({ "bank.example.evil.test": ["127.0.0.1"], "bank.example": ["127.0.0.1"], "evil.test": ["127.0.0.1"] });
    const { proxy, query } = proxyFor(["https://bank.example"], { dns });
    expect(await codeOf(proxy.serve(query(url)))).toBe("asset_origin_refused");
    expect(dns.calls).toEqual([]);
  });

  it("refuses a redirect to a registered host name that resolves to a private address", async () => {
    const { proxy, dns, query } = proxyFor([hostOrigin, cdnOrigin]);
    const before = up.requests.length;
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/to-cdn`)))).toBe("asset_address_refused");
    expect(dns.calls).toEqual(["bank.test", "cdn.bank.test"]);
    expect(up.requests.slice(before).map((r) => r.path)).toEqual(["/to-cdn"]); // the second hop never connected
  });

  it("refuses a redirect to an unregistered origin (cloud metadata address)", async () => {
    const { proxy, query } = proxyFor([hostOrigin]);
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/to-metadata`)))).toBe("asset_origin_refused");
  });

  it("refuses a host name when any of its addresses is private", async () => {
    const dns = fakeDns({ "bank.test": ["127.0.0.1", "::ffff:10.1.2.3"] });
    const { proxy, query } = proxyFor([hostOrigin], { dns });
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/logo.png`)))).toBe("asset_address_refused");
  });

  it("follows a redirect within the site, checking the hop again, and stops redirect loops", async () => {
    const { proxy, dns, query } = proxyFor([hostOrigin]);
    const asset = await proxy.serve(query(`${hostOrigin}/to-self`));
    expect(asset.body.equals(PNG)).toBe(true);
    expect(dns.calls).toEqual(["bank.test", "bank.test"]);
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/loop`)))).toBe("asset_upstream_failed");
  });

  it("cuts an oversized body: declared too large, streamed past the cap, or decompressing past it", async () => {
    const { proxy, query } = proxyFor([hostOrigin]);
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/big-declared`)))).toBe("asset_too_large");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/big-stream`)))).toBe("asset_too_large");
    // The proxy hung up: the upstream could not write the whole 64 MiB body.
    await new Promise((r) => setTimeout(r, 50));
    expect(up.written.get("/big-stream") ?? 0).toBeLessThan(32 * 1024 * 1024);
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/bomb`)))).toBe("asset_too_large");
  });

  it("refuses a content type that does not fit the use", async () => {
    const { proxy, query } = proxyFor([hostOrigin]);
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/page.html`, "image")))).toBe("asset_type_refused");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/page.html`, "style")))).toBe("asset_type_refused");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/logo.png`, "style")))).toBe("asset_type_refused");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/logo.png`, "font")))).toBe("asset_type_refused");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/untyped`, "image")))).toBe("asset_type_refused");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/site.css`, "image")))).toBe("asset_type_refused");
  });

  it("sends stylesheets through the CSS sanitizer: url() rewritten to the proxy, foreign and script-era CSS gone", async () => {
    const { proxy, signer, query } = proxyFor([hostOrigin]);
    const css = (await proxy.serve(query(`${hostOrigin}/site.css`, "style"))).body.toString("utf8");
    expect(css).not.toMatch(/evil\.test|behavior|binding|expression|@import/i);
    const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1] ?? "");
    expect(urls.length).toBe(2);
    const refs = urls.map((u) => signer.verify(new URL(u).search.slice(1), Date.now()));
    expect(refs).toEqual([
      { ok: true, ref: expect.objectContaining({ site: "bank", kind: "css-asset", url: `${hostOrigin}/img/bg.png`, room: LIVE_ROOM }) },
      { ok: true, ref: expect.objectContaining({ site: "bank", kind: "font", url: `${hostOrigin}/fonts/f.woff2`, room: LIVE_ROOM }) },
    ]);
  });

  it("refuses URLs it did not sign and sites that are not registered", async () => {
    const { proxy, query } = proxyFor([hostOrigin]);
    const tampered = new URLSearchParams(query(`${hostOrigin}/logo.png`));
    tampered.set("u", `${hostOrigin}/page.html`);
    expect(await codeOf(proxy.serve(tampered.toString()))).toBe("asset_signature_invalid");
    expect(await codeOf(proxy.serve("u=x"))).toBe("asset_signature_invalid");
    const otherKey = proxyFor([hostOrigin]).query(`${hostOrigin}/logo.png`);
    expect(await codeOf(proxy.serve(otherKey))).toBe("asset_signature_invalid");
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/logo.png`, "image", "__proto__")))).toBe("asset_origin_refused");
  });

  it("gives up at the time limit", async () => {
    const { proxy, query } = proxyFor([hostOrigin], { limits: { maxBytes: 1024, timeoutMs: 150, maxRedirects: 1 } });
    expect(await codeOf(proxy.serve(query(`${hostOrigin}/silent`)))).toBe("asset_timeout");
  });

  it("caches in memory only when enabled", async () => {
    const cached = proxyFor([hostOrigin], { cacheBytes: 1024 * 1024 });
    const before = up.requests.length;
    await cached.proxy.serve(cached.query(`${hostOrigin}/logo.png`));
    await cached.proxy.serve(cached.query(`${hostOrigin}/logo.png`));
    expect(up.requests.length - before).toBe(1);
    const uncached = proxyFor([hostOrigin]);
    await uncached.proxy.serve(uncached.query(`${hostOrigin}/logo.png`));
    await uncached.proxy.serve(uncached.query(`${hostOrigin}/logo.png`));
    expect(up.requests.length - before).toBe(3);
  });
});
