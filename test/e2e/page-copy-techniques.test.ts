import { rmSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchSiteKey, startBenchAirlock, type BenchAirlock } from "../../src/bench/fidelity-airlock.js";
import { compareScreens, sameGeometry } from "../../src/bench/fidelity-diff.js";
import { decodePng } from "../../src/bench/fidelity-png.js";
import { shootBoth } from "../../src/bench/fidelity-screens.js";
import { signInAgent, watchPage, type Watched } from "../../src/bench/fidelity-session.js";
import { serveStaticSite, type StaticSite } from "../../src/bench/fidelity-site.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { TECHNIQUE_PAGES, writeTechniqueSite } from "./page-copy-techniques/pages.js";

// One named check per technique real websites use, so a fidelity loss shows up as a named
// failing test rather than only as a lower `bench fidelity` figure. A visitor shares a small
// page per technique with an agent watching at 100 % (the real visitor script, relay,
// sanitizer, asset proxy and console viewer), and each test checks what the page copy must
// show, then that the copy's screenshot matches the visitor's (pixelmatch-style share ≥ 0.99).

const MATCH = 0.99;
const suite = chromiumPath ? describe : describe.skip;

suite("the page copy shows each technique as the visitor sees it", () => {
  let root = "";
  let site: StaticSite | undefined;
  let airlock: BenchAirlock | undefined;
  let tb: TestBrowser | undefined;
  let agent: Page;
  let watched: Watched;

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    root = writeTechniqueSite();
    site = await serveStaticSite(root, { airlockOrigin: () => airlock?.origin ?? "", siteKey: benchSiteKey(1) });
    airlock = await startBenchAirlock([{ id: "techniques", siteKey: benchSiteKey(1), origin: site.origin }]);
    tb = await launchBrowser();
    agent = await signInAgent(tb.browser, airlock.origin);
    watched = await watchPage(tb.browser, agent, airlock.origin, `${site.origin}/index.html`);
  }, 60_000);
  afterAll(async () => {
    await watched?.close();
    await tb?.close();
    await airlock?.stop();
    await site?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** The visitor goes to the technique's page; resolves once the page copy shows it. */
  async function open(name: string): Promise<Page> {
    const visitor = watched.visitor;
    await visitor.goto(`${site?.origin}/${name}`, { waitUntil: "load" });
    const title = /<title>([^<]*)<\/title>/.exec(TECHNIQUE_PAGES[name] ?? "")?.[1] ?? "";
    await expect.poll(() => agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.title ?? ""), { timeout: 10_000 }).toBe(title);
    return visitor;
  }

  /** Share of matching pixels between the visitor's viewport and the page copy now; both kept as screenshots. */
  async function match(name: string): Promise<number> {
    const pair = await shootBoth(watched.visitor, agent);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(screenshotPath(`technique-${name}-visitor`), pair.visitor);
    writeFileSync(screenshotPath(`technique-${name}-copy`), pair.copy);
    return (await compareScreens(decodePng(pair.visitor), decodePng(pair.copy), sameGeometry(pair.visitorMasked, pair.copyMasked))).match;
  }

  /** A computed style of an element of the page copy (optionally of its ::before/::after). */
  function copyStyle(selector: string, property: string, pseudo?: string): Promise<string> {
    return agent.evaluate(({ selector, property, pseudo }) => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      const el = doc?.querySelector(selector);
      return el && doc?.defaultView ? doc.defaultView.getComputedStyle(el, pseudo ?? null).getPropertyValue(property) : "(missing)";
    }, { selector, property, pseudo });
  }

  function visitorStyle(selector: string, property: string, pseudo?: string): Promise<string> {
    return watched.visitor.evaluate(({ selector, property, pseudo }) => {
      const el = document.querySelector(selector);
      return el ? getComputedStyle(el, pseudo ?? null).getPropertyValue(property) : "(missing)";
    }, { selector, property, pseudo });
  }

  it("web fonts: the @font-face font loads through the asset proxy and is used", async () => {
    await open("web-font.html");
    await expect.poll(() => agent.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      return doc ? [...doc.fonts].filter((f) => f.family.replace(/"/g, "") === "Fixture").map((f) => f.status).join(",") : "";
    })).toBe("loaded");
    expect(await match("web-font")).toBeGreaterThanOrEqual(MATCH);
  });

  it("CSS custom properties", async () => {
    await open("custom-properties.html");
    expect(await copyStyle("#t", "background-color")).toBe("rgb(200, 30, 90)");
    expect(await copyStyle("#t", "width")).toBe(await visitorStyle("#t", "width"));
    expect(await match("custom-properties")).toBeGreaterThanOrEqual(MATCH);
  });

  it("::before and ::after", async () => {
    await open("pseudo-elements.html");
    expect(await copyStyle("#t", "content", "::before")).toBe(await visitorStyle("#t", "content", "::before"));
    expect(await copyStyle(".label", "content", "::after")).toBe(await visitorStyle(".label", "content", "::after"));
    expect(await match("pseudo-elements")).toBeGreaterThanOrEqual(MATCH);
  });

  it("srcset and <picture>", async () => {
    await open("picture-srcset.html");
    await expect.poll(() => agent.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      return [...(doc?.images ?? [])].map((i) => `${i.naturalWidth}:${new URL(i.currentSrc || "x:", "http://x.invalid").pathname}`).join(" ");
    })).toBe("240:/relay/v1/asset 120:/relay/v1/asset");
    expect(await match("picture-srcset")).toBeGreaterThanOrEqual(MATCH);
  });

  it("SVG sprites (<use href>)", async () => {
    await open("svg-sprite.html");
    expect(await agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelector("#t use")?.getAttribute("href") ?? "")).toBe("#icon-star");
    expect(await match("svg-sprite")).toBeGreaterThanOrEqual(MATCH);
  });

  it("sticky and fixed elements", async () => {
    const visitor = await open("sticky-fixed.html");
    await visitor.evaluate(() => window.scrollTo(0, 900));
    expect(await copyStyle("#t", "position")).toBe("sticky");
    expect(await match("sticky-fixed")).toBeGreaterThanOrEqual(MATCH);
  });

  it("lazy images", async () => {
    const visitor = await open("lazy-images.html");
    await visitor.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => agent.evaluate(() => (document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelector<HTMLImageElement>("#t")?.naturalWidth ?? 0))).toBe(240);
    expect(await match("lazy-images")).toBeGreaterThanOrEqual(MATCH);
  });

  it("<style> inside <body>", async () => {
    await open("style-in-body.html");
    expect(await copyStyle("#t", "color")).toBe("rgb(1, 120, 130)");
    expect(await match("style-in-body")).toBeGreaterThanOrEqual(MATCH);
  });

  it("open shadow roots: their content shows and their styles stay inside", async () => {
    await open("shadow-root.html");
    expect(await copyStyle("#light", "color")).toBe("rgb(10, 10, 10)");
    expect(await match("shadow-root")).toBeGreaterThanOrEqual(MATCH);
  });

  it("same-origin iframes", async () => {
    await open("same-origin-iframe.html");
    expect(await match("same-origin-iframe")).toBeGreaterThanOrEqual(MATCH);
  });

  it("CSSOM insertRule, before and after the agent started watching", async () => {
    const visitor = await open("cssom-insert-rule.html");
    expect(await copyStyle("#t", "color")).toBe("rgb(0, 128, 0)");
    await visitor.evaluate(() => (document.getElementById("sheet") as HTMLStyleElement).sheet?.insertRule(".later{color:rgb(0, 0, 200);font-size:26px}", 1));
    await expect.poll(() => copyStyle("#later", "color")).toBe("rgb(0, 0, 200)");
    expect(await match("cssom-insert-rule")).toBeGreaterThanOrEqual(MATCH);
  });

  it("constructable stylesheets (adoptedStyleSheets), before and after the agent started watching", async () => {
    const visitor = await open("adopted-stylesheets.html");
    expect(await copyStyle("#t", "color")).toBe("rgb(180, 60, 0)");
    await visitor.evaluate(() => (window as unknown as { benchSheet: CSSStyleSheet }).benchSheet.insertRule(".adopted-later{color:rgb(0, 90, 90);font-size:26px}"));
    await expect.poll(() => copyStyle("#later", "color")).toBe("rgb(0, 90, 90)");
    expect(await match("adopted-stylesheets")).toBeGreaterThanOrEqual(MATCH);
  });

  it("masked blocks keep their box", async () => {
    const visitor = await open("masked-block.html");
    const top = (page: Page, inCopy: boolean) => page.evaluate((inCopy) => {
      const doc = inCopy ? document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument : document;
      return Math.round(doc?.querySelector("#below")?.getBoundingClientRect().top ?? -1);
    }, inCopy);
    expect(await top(agent, true)).toBe(await top(visitor, false));
    expect(await agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.body.textContent?.includes("1234"))).toBe(false);
    expect(await match("masked-block")).toBeGreaterThanOrEqual(MATCH);
  });

  it("quirks mode (a page without a doctype)", async () => {
    await open("quirks-mode.html");
    expect(await agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.compatMode)).toBe("BackCompat");
    expect(await copyStyle("#t", "font-size")).toBe(await visitorStyle("#t", "font-size"));
    expect(await match("quirks-mode")).toBeGreaterThanOrEqual(MATCH);
  });

  it("form state: the chosen option, a checked checkbox and radio button", async () => {
    await open("form-state.html");
    const state = () => agent.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      const q = <T extends Element>(s: string) => doc?.querySelector(s) as T | null;
      return `${q<HTMLSelectElement>("#t")?.value}|${q<HTMLInputElement>("#c")?.checked}|${q<HTMLInputElement>("#r2")?.checked}`;
    });
    expect(await state()).toBe("b|true|true");
    expect(await match("form-state")).toBeGreaterThanOrEqual(MATCH);
  });

  /** Whether the page copy's element has an attribute (the viewer's marks). */
  function copyHas(selector: string, attribute: string): Promise<boolean> {
    return agent.evaluate(({ selector, attribute }) => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelector(selector)?.hasAttribute(attribute) ?? false, { selector, attribute });
  }

  it("a page rule about links outranks the browser's link look (`h2 a { text-decoration: none }`)", async () => {
    await open("link-rule.html");
    expect(await copyStyle("#t", "text-decoration-line")).toBe("none");
    expect(await copyStyle("#t", "color")).toBe("rgb(30, 30, 30)");
    expect(await copyStyle("#plain", "text-decoration-line")).toBe("underline");
    expect(await match("link-rule")).toBeGreaterThanOrEqual(MATCH);
  });

  it("the body's legacy text and link colours (`<body text link>`)", async () => {
    await open("body-link-colours.html");
    expect(await copyStyle("#text", "color")).toBe("rgb(32, 48, 64)");
    expect(await copyStyle("#t", "color")).toBe("rgb(160, 96, 96)");
    expect(await match("body-link-colours")).toBeGreaterThanOrEqual(MATCH);
  });

  it("focus that leaves for nothing (blur) leaves the copy without a focus outline", async () => {
    const visitor = await open("focus-blur.html");
    await visitor.locator("#t").click();
    await expect.poll(() => copyHas("#t", "data-airlock-focus")).toBe(true);
    await visitor.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect.poll(() => copyHas("#t", "data-airlock-focus")).toBe(false);
    expect(await match("focus-blur")).toBeGreaterThanOrEqual(MATCH);
  });

  it("the visitor's focus styles (`:focus`, `:focus-within`, `:focus-visible` on keyboard focus only), never the agent's", async () => {
    const visitor = await open("focus-styles.html");
    expect(await copyStyle("#t", "background-color")).toBe("rgb(255, 255, 255)");
    await visitor.locator("#t").click();
    await expect.poll(() => copyStyle("#t", "background-color")).toBe("rgb(255, 244, 200)");
    expect(await copyStyle("form", "background-color")).toBe("rgb(220, 240, 220)");
    expect(await copyStyle("#t", "border-top-color")).toBe(await visitorStyle("#t", "border-top-color"));
    // A click on the button focuses it without a focus indicator; Tab back and forth shows one.
    await visitor.locator("#b").click();
    await expect.poll(() => copyHas("#b", "data-airlock-focus")).toBe(true);
    expect(await copyStyle("#b", "box-shadow")).toBe("none");
    expect(await copyStyle("#t", "background-color")).toBe("rgb(255, 255, 255)");
    await visitor.keyboard.press("Shift+Tab");
    await visitor.keyboard.press("Tab");
    await expect.poll(() => copyStyle("#b", "box-shadow")).toBe(await visitorStyle("#b", "box-shadow"));
    expect(await copyStyle("#b", "box-shadow")).toContain("rgb(200, 0, 120)");
    await visitor.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect.poll(() => copyStyle("form", "background-color")).toBe("rgba(0, 0, 0, 0)");
  });

  it("input buttons show their label; a typed value stays masked", async () => {
    await open("button-labels.html");
    const value = (selector: string) => agent.evaluate((selector) => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelector<HTMLInputElement>(selector)?.value, selector);
    expect(await value("#t")).toBe("Search ...");
    expect(await value("#r")).toBe("Start again");
    expect(await value("#b")).toBe("More");
    expect(await value("#q")).not.toContain("typed");
    expect(await match("button-labels")).toBeGreaterThanOrEqual(MATCH);
  });

  it("hover styles follow the visitor's pointer (`:hover`, and an ancestor's `li:hover .sub`)", async () => {
    const visitor = await open("hover.html");
    await visitor.locator("#t").hover();
    await expect.poll(() => copyStyle("#t", "background-color")).toBe("rgb(0, 60, 140)");
    expect(await copyStyle("#two", "background-color")).toBe("rgba(0, 0, 0, 0)");
    expect(await match("hover-link")).toBeGreaterThanOrEqual(MATCH);
    await visitor.locator("#menu").hover({ position: { x: 10, y: 5 } });
    await expect.poll(() => copyStyle("#sub", "display")).toBe("block");
    expect(await copyStyle("#t", "background-color")).toBe("rgba(0, 0, 0, 0)");
    expect(await match("hover-menu")).toBeGreaterThanOrEqual(MATCH);
  });

  it("limited quirks mode (an XHTML 1.0 Transitional doctype)", async () => {
    await open("limited-quirks.html");
    const cellHeight = (page: Page, inCopy: boolean) => page.evaluate((inCopy) => {
      const doc = inCopy ? document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument : document;
      return doc?.querySelector("#t")?.getBoundingClientRect().height ?? -1;
    }, inCopy);
    await expect.poll(() => cellHeight(agent, true)).toBe(await cellHeight(watched.visitor, false));
    expect(await match("limited-quirks")).toBeGreaterThanOrEqual(MATCH);
  });

  it("plugin elements (<embed>, <object>) keep their box, never their content", async () => {
    const visitor = await open("plugin-box.html");
    const top = (page: Page, inCopy: boolean) => page.evaluate((inCopy) => {
      const doc = inCopy ? document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument : document;
      return Math.round(doc?.querySelector("#below")?.getBoundingClientRect().top ?? -1);
    }, inCopy);
    expect(await top(agent, true)).toBe(await top(visitor, false));
    expect(await agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelectorAll("embed, object").length)).toBe(0);
  });

  it("text-rendering (kerning and ligatures decide where lines wrap)", async () => {
    await open("text-rendering.html");
    expect(await copyStyle("#t", "text-rendering")).toBe("optimizelegibility");
    expect(await copyStyle("#t", "height")).toBe(await visitorStyle("#t", "height"));
    expect(await match("text-rendering")).toBeGreaterThanOrEqual(MATCH);
  });

  it("SVG text placement and painting set from CSS (text-anchor, dominant-baseline, stroke-dasharray)", async () => {
    await open("svg-text-anchor.html");
    expect(await copyStyle("#t", "text-anchor")).toBe("middle");
    expect(await copyStyle("rect", "stroke-dasharray")).toBe(await visitorStyle("rect", "stroke-dasharray"));
    expect(await match("svg-text-anchor")).toBeGreaterThanOrEqual(MATCH);
  });
});
