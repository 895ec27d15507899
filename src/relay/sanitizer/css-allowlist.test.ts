import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultCssAllowlist } from "./allowlist.js";
import { AssetUrlSigner } from "./asset-url.js";
import { sanitizeDeclarations, sanitizeStylesheet, type CssUrls } from "./css.js";
import { CssRules } from "./css-rules.js";
import { readAllowlist } from "./policy-allowlist.js";
import { Sanitizer } from "./sanitizer.js";
import { replaceStyleTexts } from "./style-elements.js";
import { TagSet } from "./tag-set.js";

// The CSS allowlist from policies/sanitize.yaml applied to style attributes, <style> text and
// proxied stylesheets, with the fixed drop/rewrite rules still in force; plus the pieces that
// made the sanitizer faster (Set-backed tag list, <style> scan) behaving like what they replaced.

const shipped = new CssRules(readAllowlist(path.resolve("policies")).css);
const proxy: CssUrls = {
  proxy: (raw, kind) => (raw.startsWith("https://evil.test") ? undefined : `https://airlock.test/relay/v1/asset?k=${kind}&u=${encodeURIComponent(raw)}`),
  isProxyUrl: (url) => url.startsWith("https://airlock.test/relay/v1/asset?"),
};

describe("CSS allowlist", () => {
  it("keeps listed properties and drops unlisted ones", () => {
    const out = sanitizeDeclarations("color:red;text-size-adjust:100%;vector-effect:non-scaling-stroke;margin:0;zoom:2", proxy, shipped);
    expect(out).toBe("color:red;margin:0");
  });

  it("keeps logical box properties and Chromium's older names for them; a URL in one never leaves for its host", () => {
    expect(sanitizeDeclarations("padding-inline-start:8px;-webkit-padding-start:8px;margin-block-end:1em;inset-inline-end:0", proxy, shipped)).toBe(
      "padding-inline-start:8px;-webkit-padding-start:8px;margin-block-end:1em;inset-inline-end:0",
    );
    const withUrls = sanitizeDeclarations("border-inline:1px solid url(https://evil.example/x);padding-inline-start:url(https://evil.example/y)", proxy, shipped);
    // Each URL is rewritten to the asset proxy (which serves only the site's own origins), never kept.
    expect(withUrls).not.toMatch(/url\(["']?https:\/\/evil/);
    expect(withUrls.match(/url\(/g)?.length).toBe(withUrls.match(/url\(https:\/\/airlock\.test\/relay\/v1\/asset\?/g)?.length);
  });

  it("follows the unprefixed name for vendor-prefixed properties and at-rules", () => {
    expect(sanitizeDeclarations("-webkit-transform:rotate(1deg);-webkit-font-smoothing:antialiased", proxy, shipped)).toBe("-webkit-transform:rotate(1deg)");
    expect(sanitizeStylesheet("@-webkit-keyframes k{from{opacity:0}to{opacity:1}}", proxy, shipped)).toContain("@-webkit-keyframes k");
  });

  it("keeps listed at-rules and drops unlisted ones", () => {
    const css = "@media (min-width:1px){a{color:red}}@page{margin:0}@font-face{font-family:F;src:url(f.woff2)}@counter-style x{system:cyclic}@charset \"utf-8\";";
    const out = sanitizeStylesheet(css, proxy, shipped);
    expect(out).toContain("@media");
    expect(out).toContain("@font-face");
    expect(out).not.toMatch(/@page|@counter-style|@charset/);
  });

  it("a policy that lists fewer properties lets fewer through", () => {
    const strict = new CssRules({ properties: ["color"], atRules: [] });
    expect(sanitizeDeclarations("color:red;margin:0;display:none", proxy, strict)).toBe("color:red");
    expect(sanitizeStylesheet("@media print{a{color:red}}b{color:blue;margin:0}", proxy, strict)).toBe("b{color:blue}");
  });

  it("never lets script-era properties through, even when a policy lists them", () => {
    const careless = new CssRules({ properties: ["behavior", "-moz-binding", "binding", "width", "color"], atRules: [] });
    expect(sanitizeDeclarations("behavior:url(x.htc);-moz-binding:url(x.xml#a);width:expression(alert(1));color:red", proxy, careless)).toBe("color:red");
  });

  it("keeps the fetch rules: url() rewritten or the declaration dropped, @import rewritten or dropped", () => {
    const out = sanitizeStylesheet(
      "@import url(https://bank.example/a.css);@import 'https://evil.test/b.css';a{background:url(https://bank.example/bg.png)}b{background:url(https://evil.test/t.png)}",
      proxy,
      shipped,
    );
    expect(out).toContain("@import url(https://airlock.test/relay/v1/asset?k=style");
    expect(out).toContain("background:url(https://airlock.test/relay/v1/asset?k=css-asset");
    expect(out).not.toContain("evil.test");
  });

  it("keeps custom properties only when their value names no resource", () => {
    expect(sanitizeDeclarations("--brand:#c00;color:var(--brand)", proxy, shipped)).toBe("--brand:#c00;color:var(--brand)");
    expect(sanitizeDeclarations("--bg:url(https://evil.test/x.png);color:red", proxy, shipped)).toBe("color:red");
    expect(sanitizeDeclarations("--bg:u\\72l(x.png);color:red", proxy, shipped)).toBe("color:red");
  });

  it("applies to style attributes and <style> elements of a whole page", () => {
    const sanitizer = new Sanitizer({
      allowlist: readAllowlist(path.resolve("policies")),
      signer: new AssetUrlSigner("https://airlock.test"),
      site: { id: "bank", origins: ["https://bank.example"] },
      maskSelectors: [],
    });
    const out = sanitizer.html(
      '<html><head><style>p{color:red;zoom:3}@page{margin:0}</style></head><body><p style="margin:1px;text-size-adjust:none">x</p></body></html>',
      "https://bank.example/",
      { parent: 0, svg: false },
    ).html;
    expect(out).toContain("<style>p{color:red}</style>");
    expect(out).toContain('style="margin:1px"');
  });

  it("the shipped default list is the policy file's list", () => {
    expect(defaultCssAllowlist).toEqual(readAllowlist(path.resolve("policies")).css);
  });
});

describe("sanitizer speed-ups behave like what they replaced", () => {
  it("TagSet answers like the array it stands for", () => {
    const tags = new TagSet(["p", "div", "style"]);
    expect([...tags]).toEqual(["p", "div", "style"]);
    expect(tags.indexOf("div")).toBeGreaterThanOrEqual(0);
    expect(tags.indexOf("script")).toBe(-1);
    expect(tags.includes("style")).toBe(true);
    const mapped = tags.map((t) => t.toUpperCase());
    expect(mapped).toEqual(["P", "DIV", "STYLE"]);
    expect(mapped).not.toBeInstanceOf(TagSet);
  });

  it("replaceStyleTexts cleans every <style> element and nothing else", () => {
    const clean = (css: string) => `[${css.length}]`;
    expect(replaceStyleTexts("<p>a</p>", clean)).toBe("<p>a</p>");
    expect(replaceStyleTexts('<style>a{}</style><p>x</p><style media="print">bb{}</style>', clean)).toBe('<style>[3]</style><p>x</p><style media="print">[4]</style>');
    expect(replaceStyleTexts("<stylex>k</stylex><style>c</style>", clean)).toBe("<stylex>k</stylex><style>[1]</style>");
    expect(replaceStyleTexts("<p></p><style>unclosed", clean)).toBe("<p></p><style>[8]");
  });
});
