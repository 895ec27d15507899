import path from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyEngine } from "../../policy/engine.js";
import { shippedPolicyDir } from "../../policy/load.js";
import { AssetUrlSigner } from "./asset-url.js";
import { sanitizeStylesheet, type CssUrls } from "./css.js";
import { CssRules } from "./css-rules.js";
import { allowlistFromSanitizePolicy, readAllowlist } from "./policy-allowlist.js";
import { Sanitizer } from "./sanitizer.js";

// What the page copy needs to look like the visitor's page, under the shipped policy, and what
// it still never gets: links keep matching :link but name no destination; custom elements (web
// components) stay as inert boxes with global attributes only; generated content may read an
// element's own attribute with attr(), never as a URL; styles flattened out of shadow roots and
// same-origin frames stay in their subtree through @scope, whose prelude fetches nothing.

const ORIGIN = "https://shop.example";
const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const sanitizer = new Sanitizer({ allowlist: allowlistFromSanitizePolicy(policy.policy.sanitize), signer: new AssetUrlSigner("https://airlock.test"), site: { id: "shop", origins: [ORIGIN] }, maskSelectors: [] }).forSession("room-1", 60_000);
const html = (markup: string) => sanitizer.html(markup, `${ORIGIN}/page`, { parent: 1, svg: false }).html;
const css = new CssRules(readAllowlist(path.resolve("policies")).css);
const urls: CssUrls = { proxy: () => undefined, isProxyUrl: (url) => url.startsWith("https://airlock.test/relay/v1/asset?") };

describe("page copy fidelity within the sanitizer's rules", () => {
  it("marks links instead of sending their destination, and points :link styles at the mark", () => {
    for (const href of ["/account", "https://evil.test/x", "javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>"]) {
      const out = html(`<a data-airlock-id="5" href="${href}">link</a>`);
      expect(out, href).toBe('<a data-airlock-link data-airlock-id="5">link</a>');
    }
    expect(html('<a data-airlock-id="5" name="top" data-airlock-link="x">anchor</a>')).toBe('<a name="top" data-airlock-id="5">anchor</a>');
    expect(sanitizeStylesheet("a:link,a:visited{color:red}nav :any-link:hover{color:blue}a:-webkit-any-link{color:green}.linky{color:#000}", urls, css)).toBe(
      "a[data-airlock-link],a:visited{color:red}nav [data-airlock-link][data-airlock-hover]{color:blue}a[data-airlock-link]{color:green}.linky{color:#000}",
    );
    expect(sanitizeStylesheet('ul > li > a[href]{display:block}a[ href ]{color:red}a[href^="https"]{color:blue}[hreflang]{color:#000}', urls, css)).toBe(
      'ul > li > a[data-airlock-link]{display:block}a[data-airlock-link]{color:red}a[href^="https"]{color:blue}[hreflang]{color:#000}',
    );
    expect(html('<svg data-airlock-id="5"><a data-airlock-id="6" href="https://evil.test/">x</a></svg>')).not.toContain("href");
  });

  it("keeps custom elements with global attributes only", () => {
    expect(html('<fancy-card data-airlock-id="5" class="c" data-x="1" onclick="alert(1)" href="/x" src="https://evil.test/x">t</fancy-card>')).toBe('<fancy-card class="c" data-x="1" data-airlock-id="5">t</fancy-card>');
    for (const reserved of ["font-face", "annotation-xml", "missing-glyph"]) expect(html(`<${reserved} data-airlock-id="5">t</${reserved}>`), reserved).not.toContain(reserved);
    expect(html('<Not-Custom data-airlock-id="5">t</Not-Custom><x-script data-airlock-id="6">alert(1)</x-script>')).toBe('<not-custom data-airlock-id="5">t</not-custom><x-script data-airlock-id="6">alert(1)</x-script>');
  });

  it("lets generated content read an attribute with attr(), but never as a typed value or URL", () => {
    expect(sanitizeStylesheet('.x::after{content:" (" attr(data-unit) ")"}', urls, css)).toBe('.x::after{content:" ("attr(data-unit)")"}');
    expect(sanitizeStylesheet('.x::after{content:attr(data-unit, "kg")}', urls, css)).toBe('.x::after{content:attr(data-unit,"kg")}');
    for (const value of ["attr(data-u url)", "attr(data-u type(<url>))", "attr(data-u string)", "url(attr(data-u))", "image-set(attr(data-u) 1x)"]) {
      expect(sanitizeStylesheet(`.y{background:${value};color:red}`, urls, css), value).not.toContain("attr");
    }
  });

  it("points :hover selectors at the viewer's hover mark, and never takes the mark from a page", () => {
    expect(sanitizeStylesheet("nav a:hover{color:red}.md\\:hover\\:x:HOVER{color:blue}li:not(:hover)>.sub{display:none}.a{&:hover{color:#000}}", urls, css)).toBe(
      "nav a[data-airlock-hover]{color:red}.md\\:hover\\:x[data-airlock-hover]{color:blue}li:not([data-airlock-hover])>.sub{display:none}.a{&[data-airlock-hover]{color:#000}}",
    );
    expect(sanitizeStylesheet("@media (hover:hover){.hovered:hovered,.x:hover-y{color:red}}", urls, css)).toBe("@media (hover:hover){.hovered:hovered,.x:hover-y{color:red}}");
    expect(html('<a data-airlock-id="5" href="/x" data-airlock-hover="" data-x="1">t</a>')).toBe('<a data-x="1" data-airlock-link data-airlock-id="5">t</a>');
  });

  it("points :focus, :focus-visible and :focus-within at the viewer's focus marks, and never takes a mark from a page", () => {
    expect(sanitizeStylesheet("input:focus{border-color:blue}button:FOCUS-VISIBLE{box-shadow:0 0 0 2px red}form:focus-within label{color:green}.a:not(:focus){opacity:.5}.sm\\:focus\\:x:focus{color:#000}", urls, css)).toBe(
      "input[data-airlock-focus]{border-color:blue}button[data-airlock-focus-visible]{box-shadow:0 0 0 2px red}form[data-airlock-focus-within] label{color:green}.a:not([data-airlock-focus]){opacity:.5}.sm\\:focus\\:x[data-airlock-focus]{color:#000}",
    );
    expect(sanitizeStylesheet(".focused:focused,.x:focus-ring{color:red}", urls, css)).toBe(".focused:focused,.x:focus-ring{color:red}");
    for (const mark of ["data-airlock-focus", "data-airlock-focus-visible", "data-airlock-focus-within"]) {
      expect(html(`<input data-airlock-id="5" type="button" value="Go" ${mark}="">`), mark).toBe('<input type="button" value="Go" data-airlock-id="5" />');
    }
  });

  it("shows an input button's label, and still masks typed, secret and private values", () => {
    expect(html('<input data-airlock-id="5" type="submit" value="Search ..."><input data-airlock-id="6" type="RESET" value="Again"><input data-airlock-id="7" type="button" value="More">')).toBe(
      '<input type="submit" value="Search ..." data-airlock-id="5" /><input type="RESET" value="Again" data-airlock-id="6" /><input type="button" value="More" data-airlock-id="7" />',
    );
    for (const field of ['type="text" value="secret-value"', 'value="secret-value"', 'type=" submit " value="secret-value"', 'type="submit" value="secret-value" data-airlock-mask', 'type="submit" autocomplete="cc-number" value="secret-value"', 'type="password" value="secret-value"']) {
      expect(html(`<input data-airlock-id="9" ${field}>`), field).not.toContain("secret-value");
    }
  });

  it("keeps @scope whose prelude selects, and drops one that would fetch", () => {
    expect(sanitizeStylesheet('@scope ([data-airlock-id="12"]){:scope{color:red}p{color:blue}}', urls, css)).toBe('@scope ([data-airlock-id="12"]){:scope{color:red}p{color:blue}}');
    expect(sanitizeStylesheet("@scope (url(https://evil.test/x)){p{color:red}}", urls, css)).toBe("");
    expect(sanitizeStylesheet('@scope (.a){p{background:url("https://evil.test/x.png");color:red}}', urls, css)).toBe("@scope (.a){p{color:red}}");
  });
});
