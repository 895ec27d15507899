import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/routes/index.js";
import { defaultAllowlist } from "../../src/relay/sanitizer/allowlist.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { viewerHarnessRoutes } from "./viewer-harness.js";

// Every payload of the public XSS corpora, as page content in a snapshot and as content a page
// script adds later, goes through the real relay sanitizer and into the real viewer's replay
// frame in Chromium. No script may run (no dialog, no canary, no console error from script) and
// the agent's browser may request nothing from any host other than Airlock.

const suite = chromiumPath ? describe : describe.skip;
const SITE_ORIGIN = "https://shop.example";

function corpus(): string[] {
  const dir = path.resolve(import.meta.dirname, "../corpora/xss");
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { payload: string }[];
  return [...read("h5sc.json"), ...read("owasp-xss-filter-evasion.json"), ...read("dompurify.json")].map((p) => p.payload);
}

suite("full pipeline XSS: sanitizer + replay frame in Chromium", () => {
  let server: TestServer;
  let tb: TestBrowser;
  beforeAll(async () => {
    server = await startTestServer({}, { routes: [...allRoutes, ...(await viewerHarnessRoutes())] });
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await server?.stop();
  });

  it("runs no payload and contacts no host but Airlock", async () => {
    const sanitizer = new Sanitizer({
      allowlist: defaultAllowlist,
      signer: new AssetUrlSigner(server.url),
      site: { id: "shop", origins: [SITE_ORIGIN] },
      maskSelectors: [],
    });
    const payloads = corpus();
    expect(payloads.length).toBeGreaterThan(400);
    const canary = `<img src=x onerror="top.__xss=1"><svg onload="top.__xss=1"></svg>`;
    let id = 10;
    const body = payloads.map((p) => `<div data-airlock-id="${id++}">${p}${canary}</div>`).join("");
    const visitorHtml = `<html data-airlock-id="1"><head data-airlock-id="2"><style data-airlock-id="3">body{font-family:sans-serif}</style></head><body data-airlock-id="4">${body}<div data-airlock-id="9">later</div></body></html>`;
    const snapshot = sanitizer.html(visitorHtml, `${SITE_ORIGIN}/page`, { parent: 0, svg: false });
    const adds = payloads.map((p) => {
      const frag = sanitizer.html(`<p data-airlock-id="${id++}">${p}${canary}</p>`, `${SITE_ORIGIN}/page`, { parent: 9, svg: false });
      return { op: "add", parent: 9, before: null, html: frag.html };
    });

    const context = await tb.browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const hosts = new Set<string>();
    const problems: string[] = [];
    let dialogs = 0;
    context.on("request", (r) => hosts.add(new URL(r.url()).host));
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${server.url}/test/viewer`);
    await page.waitForFunction(() => (window as unknown as { __viewer?: unknown }).__viewer !== undefined);
    await page.evaluate(async () => (window as unknown as { __viewer: { ready: Promise<void> } }).__viewer.ready);
    await page.evaluate(
      ({ html, adds }) => {
        const v = (window as unknown as { __viewer: { handle(m: unknown): void } }).__viewer;
        v.handle({ kind: "welcome", version: 1, room: "room-test-1", mode: "view" });
        v.handle({ kind: "snapshot", seq: 0, url: "https://shop.example/page", html, viewport: { width: 1200, height: 800 } });
        for (let i = 0; i < adds.length; i += 100) v.handle({ kind: "mutations", seq: 1 + i, ops: adds.slice(i, i + 100) });
      },
      { html: snapshot.html, adds },
    );
    // Each layer holds on its own: the frame also stays inert for content that skipped the sanitizer.
    await page.evaluate((html) => {
      const v = (window as unknown as { __viewer: { handle(m: unknown): void } }).__viewer;
      v.handle({ kind: "mutations", seq: 9999, ops: [{ op: "add", parent: 9, before: null, html }] });
    }, body);
    // Give load/error events of anything that slipped through the chance to fire.
    await page.waitForTimeout(1000);
    expect(await page.locator("iframe").getAttribute("sandbox")).toBe("allow-same-origin");
    const frameResponse = await context.request.get(`${server.url}/cobrowse/replay-frame`);
    expect(frameResponse.headers()["content-security-policy"]).toMatch(/script-src 'none'/);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    const pageCopyText = await frame!.evaluate(() => document.body.innerText.length);
    expect(pageCopyText).toBeGreaterThan(100);
    await page.screenshot({ path: screenshotPath("agent-replica-xss") });
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await frame!.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toBe(0);
    expect(problems).toEqual([]);
    expect([...hosts]).toEqual([new URL(server.url).host]);
    await context.close();
  });
});
