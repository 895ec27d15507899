import path from "node:path";
import { describe, expect, it } from "vitest";
import { plainDeclarations } from "./css-plain-declarations.js";
import { CssRules } from "./css-rules.js";
import { sanitizeDeclarations, sanitizeStylesheet, type CssUrls } from "./css.js";
import { readAllowlist } from "./policy-allowlist.js";

// The shortcuts that made CSS sanitizing cheaper: plain style attributes skip the CSS parser, and
// declaration values are parsed only when they can name a resource. Both must let through
// exactly what the full rules let through, and hand everything else to them.

const rules = new CssRules(readAllowlist(path.resolve("policies")).css);
const proxy: CssUrls = {
  proxy: (raw) => (raw.startsWith("https://evil.test") ? undefined : `https://airlock.test/relay/v1/asset?u=${encodeURIComponent(raw)}`),
  isProxyUrl: (url) => url.startsWith("https://airlock.test/relay/v1/asset?"),
};
const allowed = (name: string) => rules.allowsProperty(name);

describe("plain style attributes", () => {
  it("keeps allowed plain declarations in a compact form and drops unlisted properties", () => {
    expect(plainDeclarations("color: red; margin: 0 auto ; zoom: 2; background-color: rgb(1, 2, 3) !important;", allowed)).toBe(
      "color:red;margin:0 auto;background-color:rgb(1,2,3)!important",
    );
    expect(sanitizeDeclarations("Color: RED; width: calc(100% - 2px)", proxy, rules)).toBe("color:RED;width:calc(100% - 2px)");
  });

  it.each([
    ["background: url(https://evil.test/x.png)"],
    ["background-image: image-set('a.png' 1x)"],
    ["width: expression(alert(1))"],
    ["color: var(--x)"],
    ["color: red /* comment */"],
    ["color: r\\65 d"],
    ['font-family: "Arial"'],
    ["color: rgb(1, 2"],
    ["--accent: red"],
    ["color: red; @import x"],
    ["background: red; behavior: url(x.htc)"],
    ["color: red: blue"],
  ])("hands %s to the full CSS parser", (css) => {
    expect(plainDeclarations(css, allowed)).toBeUndefined();
  });

  it("the full parser still drops or proxies what the plain path refused", () => {
    expect(sanitizeDeclarations("background: url(https://evil.test/x.png); color: red", proxy, rules)).toBe("color:red");
    expect(sanitizeDeclarations("width: expression(alert(1)); color: red", proxy, rules)).toBe("color:red");
    expect(sanitizeDeclarations("background: url(https://site.test/a.png)", proxy, rules)).toContain("url(https://airlock.test/relay/v1/asset?u=");
    expect(sanitizeDeclarations("behavior: url(x.htc); -moz-binding: url(x.xml#b); color: red", proxy, rules)).toBe("color:red");
  });
});

describe("declaration values parsed only when they can name a resource", () => {
  it("keeps plain values as written and still rewrites or drops every resource in stylesheets", () => {
    const css = "a{color:red;font-family:ImageFont,serif;background:url(https://evil.test/x)}b{background-image:url(https://site.test/b.png)}i{width:expression(1)}u{background:u\\72 l(https://evil.test/y)}";
    const out = sanitizeStylesheet(css, proxy, rules);
    expect(out).toContain("color:red");
    expect(out).toContain("font-family:ImageFont,serif");
    expect(out).toContain("url(https://airlock.test/relay/v1/asset?u=https%3A%2F%2Fsite.test%2Fb.png)");
    expect(out).not.toContain("evil.test");
    expect(out).not.toContain("expression");
  });

  it("keeps !important apart from the value and a value that cannot be structured only when harmless", () => {
    expect(sanitizeStylesheet("a{color:red!important;margin:0 !important}", proxy, rules)).toBe("a{color:red!important;margin:0!important}");
    expect(sanitizeStylesheet("a{--x:url(https://evil.test/z);--y:1px}", proxy, rules)).toBe("a{--y:1px}");
  });
});
