import { describe, expect, it } from "vitest";
import { PolicyEngine } from "../../policy/engine.js";
import { shippedPolicyDir } from "../../policy/load.js";
import { sanitizeSchema } from "../../policy/schema/sanitize.js";
import { AssetUrlSigner } from "./asset-url.js";
import { allowlistFromSanitizePolicy } from "./policy-allowlist.js";
import { Sanitizer } from "./sanitizer.js";

// <link rel="stylesheet"> under the shipped policy: the link passes as a signed asset-proxy URL
// of kind "style" (the proxy sends what it fetches through the CSS sanitizer, see
// asset-proxy.test.ts), with rel exactly "stylesheet" and no other attribute than href, rel,
// media, type. No other link type passes, as markup or as a later attribute change.

const ORIGIN = "https://shop.example";
const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const signer = new AssetUrlSigner("https://airlock.test");
const make = (sanitize: unknown) =>
  new Sanitizer({ allowlist: allowlistFromSanitizePolicy(sanitize), signer, site: { id: "shop", origins: [ORIGIN] }, maskSelectors: [] }).forSession("room-1", 60_000);
const shipped = make(policy.policy.sanitize);
const html = (markup: string) => shipped.html(markup, `${ORIGIN}/page`, { parent: 1, svg: false }).html;
const links = (markup: string) => [...html(markup).matchAll(/<link\b[^>]*>/g)].map((m) => m[0]);

describe("linked stylesheets", () => {
  it("pass as a signed proxy URL of kind style, with rel=stylesheet and only href, rel, media, type", () => {
    const out = links('<link data-airlock-id="7" rel="StyleSheet" href="/css/site.css" media="screen" type="text/css" crossorigin="anonymous" integrity="sha384-x" title="main" class="c" onload="alert(1)">');
    expect(out).toHaveLength(1);
    const link = out[0] ?? "";
    expect(link).toContain('rel="stylesheet"');
    expect(link).toContain('media="screen"');
    expect(link).toContain('type="text/css"');
    expect(link).not.toMatch(/crossorigin|integrity|title=|class=|onload/);
    const href = /href="([^"]+)"/.exec(link)?.[1]?.replace(/&amp;/g, "&") ?? "";
    const url = new URL(href);
    expect(url.origin + url.pathname).toBe("https://airlock.test/relay/v1/asset");
    expect(signer.verify(url.search.slice(1), Date.now())).toEqual({ ok: true, ref: expect.objectContaining({ site: "shop", kind: "style", url: `${ORIGIN}/css/site.css` }) });
  });

  it.each([
    "preload", "prefetch", "dns-prefetch", "preconnect", "modulepreload", "import", "manifest", "icon", "alternate stylesheet",
    "stylesheet preload", "prerender", "next", "canonical", "", "stylesheet\u00a0x",
  ])("drop rel=%j entirely", (rel) => {
    expect(links(`<div data-airlock-id="2"><link data-airlock-id="3" rel="${rel}" href="/x.css" as="style"></div>`)).toEqual([]);
  });

  it("drop a stylesheet from an origin the site does not register, keeping no href", () => {
    expect(links('<link rel="stylesheet" href="https://cdn.evil.test/x.css">').join("")).not.toContain("href");
  });

  it("an attribute change turning a stylesheet into another link type removes its rel", () => {
    expect(shipped.attribute("link", "rel", "preload", false, `${ORIGIN}/`)).toBeUndefined();
    expect(shipped.attribute("link", "rel", "stylesheet", false, `${ORIGIN}/`)).toBe("stylesheet");
    expect(shipped.attribute("link", "as", "script", false, `${ORIGIN}/`)).toBeUndefined();
    expect(shipped.attribute("link", "href", "javascript:alert(1)", false, `${ORIGIN}/`)).toBeUndefined();
  });

  it("stay out when the policy does not enable them, and link can never be an ordinary allowed tag", () => {
    const raw = { ...policy.policy.sanitize, linkedStylesheets: { enabled: false } };
    expect(make(raw).html('<link rel="stylesheet" href="/a.css">', `${ORIGIN}/`, { parent: 1, svg: false }).html).toBe("");
    const listed = sanitizeSchema.safeParse({ ...policy.policy.sanitize, allowedTags: [...policy.policy.sanitize.allowedTags, "link"] });
    expect(listed.success).toBe(false);
  });
});
