import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { readAllowlist } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { renderAndInspect, type RenderFinding } from "./helpers/inspect-rendering.js";

// Property: whatever CSS a page writes, with URLs hidden in functions that can take one
// (image-set, -webkit-image-set, cross-fade, image, element, src), in var()/env()/attr()
// fallbacks and custom properties, behind escapes, comments and odd case, in @import and in
// @font-face src, the sanitized output rendered in real Chromium WITHOUT sandbox or CSP makes no
// request to any host but the asset proxy. Every generated case goes through the style attribute
// path and the <style>/stylesheet path (the function the asset proxy uses for stylesheets).
// A control renders the same kind of CSS unsanitized and must see the attacker's requests, so
// the observation is known to work.

const PUBLIC_URL = "http://airlock.test";
const PROXY_PREFIX = `${PUBLIC_URL}/relay/v1/asset?`;
const ORIGIN = "https://bank.example";

const sanitizer = new Sanitizer({
  allowlist: readAllowlist(path.resolve("policies")),
  signer: new AssetUrlSigner(PUBLIC_URL),
  site: { id: "bank", origins: [ORIGIN] },
  maskSelectors: [],
});

// ---- generators ---------------------------------------------------------------------------

const target = fc.constantFrom(
  "https://attacker.example/a.png",
  "//attacker.example/b.png",
  "HTTPS://ATTACKER.EXAMPLE/c.png",
  "https\\3a //attacker.example/d.png",
  "\\68 ttps://attacker.example/e.png",
  "http://attacker.example:80/f.png",
  `${ORIGIN}/ok.png`,
  "/ok.png",
);
const comment = fc.constantFrom("", "", "/**/", "/*x*/ ");
const literal = fc
  .tuple(target, fc.constantFrom("dq", "sq", "url", "url-dq", "url-sp"), comment)
  .map(([u, form, c]) => {
    switch (form) {
      case "dq":
        return `${c}"${u}"`;
      case "sq":
        return `'${u}'${c}`;
      case "url":
        return `url(${u})`;
      case "url-dq":
        return `url(${c}"${u}")`;
      default:
        return `url( '${u}' )`;
    }
  });
const imageSetName = fc.constantFrom("image-set", "-webkit-image-set", "IMAGE-SET", "im\\61ge-set", "Image-Set");
const wrapper = fc.constantFrom<(inner: string, fn: string, c: string) => string>(
  (e, fn, c) => `${fn}(${c}${e} 1x)`,
  (e, fn) => `${fn}(${e})`,
  (e, fn) => `${fn}(${e} type("image/png") 1x, linear-gradient(red, blue) 2x)`,
  (e, fn, c) => `${fn}(var(${c}--n, ${e}))`,
  (e, fn) => `${fn}(var(--n, var(--m, ${e})) 1x)`,
  (e, _fn, c) => `var(--n,${c}${e})`,
  (e) => `env(safe-area-inset-top, ${e})`,
  (e) => `attr(data-u, ${e})`,
  (e) => `cross-fade(${e}, red 50%)`,
  (e) => `-webkit-cross-fade(${e}, ${e}, 50%)`,
  (e) => `image(${e})`,
  (e) => `src(${e})`,
  (e) => `element(#x), ${e}`,
  (e) => `linear-gradient(red, red), ${e}`,
);
const expr: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    literal,
    fc.tuple(tie("expr"), wrapper, imageSetName, comment).map(([e, wrap, fn, c]) => wrap(e, fn, c)),
  ),
})).expr;

const property = fc.constantFrom("background-image", "background", "list-style-image", "border-image", "mask-image", "-webkit-mask-image", "content", "cursor");
/** A declaration list that uses `e`, directly or through a custom property. */
const declarations = fc
  .tuple(expr, property, fc.constantFrom("direct", "custom", "custom-in-image-set", "custom-nested", "fallback"), comment)
  .map(([e, prop, how, c]) => {
    switch (how) {
      case "direct":
        return `${prop}:${e}`;
      case "custom":
        return `--v:${e};${prop}:var(${c}--v)`;
      case "custom-in-image-set":
        return `--v:${e};${prop}:image-set(var(--v))`;
      case "custom-nested":
        return `--v:${e};--w:var(--v);${prop}:-webkit-image-set(var(--w) 1x)`;
      default:
        return `${prop}:var(--missing,${c}${e})`;
    }
  });

interface Case {
  readonly name: string;
  readonly css: string;
  /** Rule-level CSS (@import, @font-face) for the <style> form. */
  readonly rules: string;
}
const caseArb: fc.Arbitrary<Case> = fc.tuple(declarations, literal, expr).map(([css, imported, fontSrc]) => ({
  name: css,
  css,
  rules: `@import ${imported};@font-face{font-family:Hidden;src:${fontSrc}}`,
}));

// ---- rendering ----------------------------------------------------------------------------

/** Makes every generated construct load if it can: a visible box, a list item, a border, the font in use. */
const SHOW = "<style>.k{display:list-item;width:40px;height:40px;border:12px solid;font-family:Hidden}</style>";

function sanitizedItems(cases: readonly Case[]): { name: string; html: string }[] {
  return cases.map((c, i) => {
    const attribute = sanitizer.attribute("div", "style", c.css, false, `${ORIGIN}/`) ?? "";
    const stylesheet = sanitizer.stylesheet(`${c.rules}.k${i}{${c.css}}`, `${ORIGIN}/`);
    const page = sanitizer.html(`<style>${c.rules}.p${i}{${c.css}}</style><div class="k p${i}" style='${c.css}'>Hidden text</div>`, `${ORIGIN}/`, { parent: 0, svg: false }).html;
    const attrHtml = `<div class="k" style="${attribute.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}">Hidden text</div>`;
    const styleHtml = `<style>${stylesheet}</style><div class="k k${i}">Hidden text</div>`;
    return { name: c.name, html: SHOW + attrHtml + styleHtml + page };
  });
}

function rawItems(cases: readonly Case[]): { name: string; html: string }[] {
  return cases.map((c, i) => ({ name: c.name, html: `${SHOW}<style>${c.rules}.r${i}{${c.css}}</style><div class="k r${i}" style='${c.css}'>Hidden text</div>` }));
}

const leaks = (findings: readonly RenderFinding[]) => findings.filter((f) => f.problem.startsWith("request left for"));

describe.skipIf(!chromiumPath)("URLs hidden in CSS functions, rendered in Chromium without sandbox or CSP", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  const render = async (items: { name: string; html: string }[]) => {
    const page = await browser.browser.newPage();
    try {
      return await renderAndInspect(page, items, PROXY_PREFIX);
    } finally {
      await page.close();
    }
  };

  it("control: the same constructs unsanitized do reach the attacker's host (the observation works)", async () => {
    const issue = [
      { name: "issue: var() in image-set()", css: `--x:"https://attacker.example/v.png";background-image:image-set(var(--x))`, rules: "" },
      { name: "issue: var() fallback in image-set()", css: `background-image:image-set(var(--n,"https://attacker.example/w.png"))`, rules: "" },
      { name: "@import", css: "color:red", rules: `@import "https://attacker.example/i.css";` },
    ];
    const found = leaks(await render(rawItems(issue)));
    expect(found.map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringContaining("attacker.example")]));
    expect(found.length).toBeGreaterThanOrEqual(2);
  });

  it("property: sanitized output fetches nothing but the asset proxy", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 40, maxLength: 40 }), async (cases) => {
        // `@import "<proxy URL>"` is a proxy fetch; the helper's static check wants the url() form.
        const found = (await render(sanitizedItems(cases))).filter((f) => f.problem !== "bare @import");
        expect(found).toEqual([]);
      }),
      { numRuns: 4, endOnFailure: true },
    );
  }, 180_000);

  it("control on generated CSS: unsanitized, some generated cases do leak (the generator hides real fetches)", async () => {
    const sample = fc.sample(caseArb, { numRuns: 40, seed: 13 });
    expect(leaks(await render(rawItems(sample))).length).toBeGreaterThan(0);
  }, 60_000);
});
