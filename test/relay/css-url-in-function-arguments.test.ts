import { execFileSync } from "node:child_process";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssetProxy } from "../../src/relay/asset-proxy/asset-proxy.js";
import { defaultCssAllowlist } from "../../src/relay/sanitizer/allowlist.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { fetchesOnlyProxy } from "../../src/relay/sanitizer/css-proof.js";
import { CssRules } from "../../src/relay/sanitizer/css-rules.js";
import { startUpstream, type Upstream } from "./asset-proxy-upstream.js";
import { ROOM_ORIGIN, ROOM_PUBLIC_URL, watchedSession } from "./helpers/watched-session.js";
import { expectString } from "../helpers/frame-fields.js";

// Finding: a URL passed the CSS sanitizer through var() inside image-set()
// (`--x:"https://attacker.example/v.png";background-image:image-set(var(--x))`), and through a
// var() fallback (`image-set(var(--n,"…"))`). Only the replay frame's CSP stopped the request.
// The sanitizer must hold on its own on every path CSS travels: style attributes and <style>
// in snapshots and added subtrees, attribute and text mutations, proxied stylesheets and
// `bin/airlock sanitize`. And the class: any function whose arguments may hold a URL.

const A = "https://attacker.example/v.png";

/** [case, CSS declarations, what must not reach an agent]. */
const hidden: readonly [string, string, RegExp][] = [
  ["var() inside image-set()", `--x:"${A}";background-image:image-set(var(--x))`, /image-set\(/i],
  ["a var() fallback inside image-set()", `background-image:image-set(var(--n,"${A}"))`, /attacker/],
  ["var() inside -webkit-image-set()", `--x:"${A}";background-image:-webkit-image-set(var(--x) 1x)`, /image-set\(/i],
  ["var() with a url() fallback inside image-set()", `background-image:image-set(var(--n,url(${A})))`, /attacker/],
  ["a comment before the var() name", `--x:/**/"${A}";background-image:image-set(var(/**/--x))`, /image-set\(/i],
  ["var() two levels down in image-set()", `--x:"${A}";background-image:image-set(image-set(var(--x) 1x) 1x)`, /image-set\(/i],
  ["a custom property holding image-set()", `--x:image-set("${A}" 1x);background-image:var(--x)`, /attacker/],
  ["a custom property holding url()", `--x:url(${A});background-image:var(--x)`, /attacker/],
  ["image-set() in a var() fallback", `background-image:var(--n,image-set("${A}" 1x))`, /attacker/],
  ["env() fallback", `background-image:env(x,url(${A}))`, /attacker/],
  ["attr() inside image-set()", `background-image:image-set(attr(data-u))`, /image-set\(/i],
  ["typed attr()", `background-image:image-set(attr(data-u type(<url>)))`, /image-set\(/i],
  ["cross-fade()", `background-image:cross-fade(url(${A}),linear-gradient(red,red) 50%)`, /attacker/],
  ["-webkit-cross-fade()", `background-image:-webkit-cross-fade(url(${A}),url(${A}),50%)`, /attacker/],
  ["image()", `background-image:image("${A}")`, /attacker/],
  ["element()", `background-image:element(#x)`, /element\(/i],
  ["src()", `background-image:src("${A}")`, /attacker/],
  ["an escaped function name", `background-image:im\\61ge-set("${A}" 1x)`, /attacker/],
  ["an escaped url(", `background-image:u\\72l(${A})`, /attacker/],
  ["an escaped URL string", `background-image:image-set("https\\3a //attacker.example/v.png" 1x)`, /attacker/],
  ["comments inside image-set()", `background-image:image-set(/**/"${A}"/**/ 1x)`, /attacker/],
  ["upper case", `background-image:IMAGE-SET(VAR(--n,"${A}"))`, /attacker/],
  ["a string after a gradient in image-set()", `background-image:image-set(linear-gradient(red,red) 1x,"${A}" 2x)`, /attacker/],
];

/** Style attribute values and <style> texts of sanitized HTML, as an agent's browser reads them. */
function cssOf(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/style="([^"]*)"/g)) out.push((m[1] ?? "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&"));
  for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) out.push(m[1] ?? "");
  return out;
}

const signer = new AssetUrlSigner(ROOM_PUBLIC_URL);
const proven = (css: string) => fetchesOnlyProxy(css, (u) => signer.isProxyUrl(u));

function expectHeld(css: string, mustVanish: RegExp): void {
  expect(css).not.toMatch(mustVanish);
  expect(proven(css)).toBe(true);
}

describe("URLs hidden in function arguments (var() inside image-set())", () => {
  const page = '<body data-airlock-id="1"><style data-airlock-id="2">p{color:red}</style><div data-airlock-id="3">x</div></body>';

  it.each(hidden)("%s: refused in a snapshot's style attribute and <style>", (_name, css, mustVanish) => {
    const r = watchedSession(`<body data-airlock-id="1"><style data-airlock-id="2">.c{${css}}</style><div data-airlock-id="3" style='${css}'>x</div></body>`);
    const html = r.snapshot();
    expect(html).toContain('data-airlock-id="3"');
    for (const text of cssOf(html)) expectHeld(text, mustVanish);
    expect(r.received()).not.toMatch(mustVanish);
  });

  it.each(hidden)("%s: refused in an added subtree, a style attribute mutation and a <style> text mutation", (_name, css, mustVanish) => {
    const r = watchedSession(page);
    const added = r.ops({ op: "add", parent: 1, before: null, html: `<p data-airlock-id="9" style='${css}'>y</p><style data-airlock-id="10">.d{${css}}</style>` });
    const attr = r.ops({ op: "attr", id: 3, name: "style", value: css });
    const text = r.ops({ op: "text", id: 2, value: `.e{${css}}` });
    for (const { failure, sent } of [added, attr, text]) {
      expect(failure).toBeUndefined();
      expect(sent.length).toBeGreaterThan(0);
    }
    expect(r.received()).not.toMatch(mustVanish);
    for (const text of cssOf(expectString(added.sent[0]?.html))) expectHeld(text, mustVanish);
    expect(attr.sent[0]?.value === null || proven(expectString(attr.sent[0]?.value))).toBe(true);
    expectHeld(expectString(text.sent[0]?.value), mustVanish);
  });

  it("still rewrites and keeps what it can prove: site URLs in url(), image-set(), var() fallbacks and custom properties", () => {
    const r = watchedSession(page);
    const kept = [
      "background-image:image-set(\"/a.png\" 1x,url(/b.png) 2x,\"/c.avif\" type(\"image/avif\"))",
      "background-image:-webkit-image-set(url(/a.png) 1x)",
      "background-image:var(--n,url(/a.png))",
      "--bg:url(/a.png);background-image:var(--bg)",
    ];
    for (const css of kept) {
      const { sent } = r.ops({ op: "attr", id: 3, name: "style", value: css });
      const value = String(sent[0]?.value);
      expect(value, css).toContain(`${ROOM_PUBLIC_URL}/relay/v1/asset?`);
      expect(proven(value)).toBe(true);
    }
    // A string in a custom property is no URL: it can only become one inside image-set(), where var() is refused.
    expect(r.ops({ op: "attr", id: 3, name: "style", value: '--label:"→";content:var(--label)' }).sent[0]?.value).toBe('--label:"→";content:var(--label)');
  });

  it("the proof refuses each construct on its own, as a browser would tokenize it", () => {
    const proxy = signer.sign({ site: "bank", url: `${ROOM_ORIGIN}/a.png`, kind: "css-asset", room: "r1", expires: 1 });
    expect(proven(`a{background:image-set("${proxy}" 1x,url(${proxy}) 2x)}`)).toBe(true);
    expect(proven(`@import url(${proxy});@import "${proxy}";`)).toBe(true);
    for (const bad of [
      `a{background:image-set(var(--x))}`,
      `a{background:image-set("${A}")}`,
      `a{background:url(${A})}`,
      `a{background:url("${proxy}" x)}`,
      `@import "${A}";`,
      `a{background:u\\72l(${proxy})}`,
      `@\\69mport "${proxy}";`,
      `a{background:cross-fade(url(${proxy}),red 50%)}`,
      `a{--x:"unclosed`,
      `a{background:image-set(`,
      `a{b:"${proxy}\\"}`,
      `a{b:url(${proxy}`,
      "a{b:\0}",
    ]) {
      expect(proven(bad), bad).toBe(false);
    }
  });
});

describe("URLs hidden in function arguments, in proxied stylesheets", () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream();
    const serve = (body: string) => (res: ServerResponse) => res.writeHead(200, { "content-type": "text/css" }).end(body);
    up.route("/at-rules.css", serve(`@import "${A}";@font-face{font-family:F;src:url(${A}) format("woff2"),src("${A}"),local("Arial")}`));
    for (const [i, [, css]] of hidden.entries()) up.route(`/h${i}.css`, serve(`.h{${css}}.ok{background-image:image-set("/ok.png" 1x);color:red}`));
  });
  afterAll(async () => up?.close());

  const proxySigner = new AssetUrlSigner(ROOM_PUBLIC_URL);
  const stylesheet = async (file: string) => {
    const proxy = new AssetProxy({
      signer: proxySigner,
      siteOrigins: (id) => (id === "bank" ? [up.origin] : undefined),
      cssRules: () => new CssRules(defaultCssAllowlist),
      rules: { allowLoopback: true },
      limits: { maxBytes: 64 * 1024, timeoutMs: 5_000, maxRedirects: 0 },
      cacheBytes: 0,
    });
    const signed = new URL(proxySigner.sign({ site: "bank", url: `${up.origin}/${file}`, kind: "style", room: "r1", expires: Math.ceil(Date.now() / 1000) + 60 }));
    return (await proxy.serve(signed.search.slice(1), (session) => session === "r1")).body.toString("utf8");
  };

  it.each(hidden.map((h, i) => [h[0], i, h[2]] as const))("%s: refused in a proxied stylesheet, which keeps what it can prove", async (_name, i, mustVanish) => {
    const css = await stylesheet(`h${i}.css`);
    expect(css).toContain(".ok{background-image:image-set(");
    expect(css.slice(0, css.indexOf(".ok{"))).not.toMatch(mustVanish);
    expect(fetchesOnlyProxy(css, (u) => proxySigner.isProxyUrl(u))).toBe(true);
  });

  it("@import and @font-face src in a proxied stylesheet fetch nothing outside the proxy", async () => {
    const css = await stylesheet("at-rules.css");
    expect(css).toBe("@font-face{font-family:F}");
  });
});

describe("URLs hidden in function arguments, through bin/airlock sanitize", () => {
  it("prints no construct that can fetch outside the asset proxy", () => {
    const publicUrl = "http://127.0.0.1:8080";
    const input = hidden.map(([, css], i) => `<style>.h${i}{${css}}</style><div style='${css}'>${i}</div>`).join("\n");
    const out = execFileSync(path.resolve("bin/airlock"), ["sanitize", "--base-url", `${ROOM_ORIGIN}/`], {
      input,
      env: { ...process.env, AIRLOCK_PUBLIC_URL: publicUrl, AIRLOCK_CONFIG: "" },
      encoding: "utf8",
    });
    const cli = new AssetUrlSigner(publicUrl);
    for (const text of cssOf(out)) {
      expect(text).not.toMatch(/image-set\(\s*var|cross-fade|element\(|src\(|image\(|env\(|attr\(/i);
      expect(fetchesOnlyProxy(text, (u) => cli.isProxyUrl(u))).toBe(true);
    }
  });
});
