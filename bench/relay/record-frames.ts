// Records the frames the real visitor script sends while real pages are used in Chromium, for
// `bin/airlock bench relay`. Pages: the demo shop (clicks, typing, scrolling) and pages of the
// npm package htmlparser-benchmark (public web pages) changed by a seeded script. The page
// origin is rewritten to the demo site's registered origin so the frames pass the relay's
// checks with the shipped policies. Output: bench/fixtures/relay-frames.json.
//
// Run: node bench/relay/record.mjs   (needs Chromium at /usr/bin/chromium)

import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildVisitorBundle, HOST_CSP, startHostSite, TEST_SITE_KEY, type HostSite, type PeerSocket } from "../../test/visitor/host-site.js";
import { mutatePage } from "./page-mutator.js";

const root = path.resolve(import.meta.dirname, "../..");
const RECORDED_ORIGIN = "http://127.0.0.1:8080"; // the demo site in policies/sites.yaml
const keptKinds = new Set(["snapshot", "mutations", "scroll", "viewport", "pointer", "focus", "input"]);
const flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
  // Benchmark pages are fulfilled by Playwright (no address space), so their socket to the loopback
  // host site would count as a local-network request.
  "--disable-features=LocalNetworkAccessChecks"];

interface Recording {
  readonly source: string;
  readonly frames: string[];
}

async function share(page: Page, peer: PeerSocket): Promise<void> {
  peer.send({ kind: "consent-request", request: "req-view-1", mode: "view", agent: { displayName: "Bench Agent" } });
  await page.getByRole("button", { name: "Share my screen" }).click({ timeout: 10_000 });
  await peer.waitFor((m) => m.kind === "consent");
  peer.send({ kind: "state", state: "active", mode: "view", agents: 1, watching: true });
  await peer.waitFor((m) => m.kind === "snapshot");
}

async function record(site: HostSite, page: Page, source: string, url: string, use: (page: Page) => Promise<void>): Promise<Recording> {
  const sent: string[] = [];
  const onSocket = (ws: { on(event: "framesent", fn: (f: { payload: string | Buffer }) => void): void }) => ws.on("framesent", (f) => sent.push(String(f.payload)));
  page.on("websocket", onSocket);
  if (process.env.RECORD_DEBUG) {
    page.on("console", (m) => process.stdout.write(`console: ${m.text()}\n`));
    page.on("pageerror", (e) => process.stdout.write(`pageerror: ${e.message}\n`));
    page.on("requestfailed", (r) => process.stdout.write(`failed: ${r.url().slice(0, 80)}\n`));
  }
  const socket = site.nextSocket();
  process.stdout.write(`recording ${source}\n`);
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 10_000 });
  const peer = await Promise.race([socket, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the visitor script did not connect")), 10_000))]);
  await peer.waitFor((m) => m.kind === "hello");
  await share(page, peer);
  await use(page);
  await page.waitForTimeout(400); // the script flushes every 100 ms
  page.off("websocket", onSocket);
  await page.context().close();
  const frames = sent
    .filter((f) => keptKinds.has((JSON.parse(f) as { kind: string }).kind))
    .map((f) => f.split(site.url).join(RECORDED_ORIGIN));
  return { source, frames };
}

async function useShop(page: Page): Promise<void> {
  for (const product of ["mug", "lamp", "mug", "notebook", "plant", "lamp"]) {
    const button = page.locator(`button.add[data-product=${product}]`);
    if ((await button.count()) > 0) await button.first().click();
    await page.mouse.move(200 + product.length * 40, 300);
    await page.waitForTimeout(120);
  }
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(150);
}

async function useCheckout(page: Page): Promise<void> {
  await page.fill("#name", "Erika Mustermann");
  await page.fill("#address", "Hauptstrasse 1");
  await page.fill("#city", "10115 Berlin");
  await page.selectOption("#country", "at");
  await page.fill("#card", "4111 1111 1111 1111");
  await page.check("#newsletter");
  await page.click("button[type=submit]");
  await page.waitForTimeout(200);
}

async function useGuide(page: Page): Promise<void> {
  for (let i = 0; i < 8; i++) {
    await page.mouse.wheel(0, 500);
    await page.mouse.move(300, 200 + i * 30);
    await page.waitForTimeout(110);
  }
}

/** Mid-sized benchmark pages, picked deterministically. */
function benchmarkPages(count: number): string[] {
  const dir = path.join(root, "node_modules/htmlparser-benchmark/files");
  return readdirSync(dir)
    .sort()
    .map((f) => path.join(dir, f))
    .filter((f) => {
      const size = statSync(f).size;
      return size > 20_000 && size < 90_000;
    })
    .slice(0, count);
}

async function main(): Promise<void> {
  const bundle = buildVisitorBundle();
  const site = await startHostSite(bundle);
  const recordings: Recording[] = [];
  let browser: Browser | undefined;
  try {
    // A fresh browser per page: each recording starts a new session (no resume token), and a
    // heavy page that takes the browser down costs only its own recording.
    const freshPage = async () => {
      await browser?.close().catch(() => undefined);
      browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: flags });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // Nothing leaves for another host; benchmark pages are served under the host site's origin.
      await context.route("**/*", (route) => (route.request().url().startsWith(site.url) ? route.fallback() : route.abort()));
      return context.newPage();
    };
    recordings.push(await record(site, await freshPage(), "demo:/demo", `${site.url}/demo`, useShop));
    recordings.push(await record(site, await freshPage(), "demo:/demo/checkout", `${site.url}/demo/checkout`, useCheckout));
    recordings.push(await record(site, await freshPage(), "demo:/demo/guide", `${site.url}/demo/guide`, useGuide));
    for (const [i, file] of benchmarkPages(10).entries()) {
      const html = readFileSync(file, "utf8");
      const tag = `<script src="${site.url}/siteconnect.js" data-site-key="${TEST_SITE_KEY}" defer></script>`;
      // The page's own <base> and CSP meta would point the script elsewhere or block it.
      const cleaned = html.replace(/<base\b[^>]*>/gi, "").replace(/<meta[^>]+http-equiv=["']?content-security-policy[^>]*>/gi, "");
      const withScript = /<head[^>]*>/i.test(cleaned) ? cleaned.replace(/<head[^>]*>/i, (h) => h + tag) : tag + cleaned;
      const url = `${site.url}/bench/page-${i}`;
      const page = await freshPage().catch(() => undefined);
      if (!page) continue;
      await page.route(url, (route) => route.fulfill({ status: 200, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": HOST_CSP }, body: withScript }));
      const source = `htmlparser-benchmark:${path.basename(file).slice(0, 16)}`;
      try {
        recordings.push(await record(site, page, source, url, (p) => mutatePage(p, i + 1)));
      } catch (err) {
        process.stdout.write(`skipped ${source}: ${(err as Error).message.split("\n")[0]}\n`);
        await page.context().close().catch(() => undefined);
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await site.close();
  }
  const out = path.join(root, "bench/fixtures/relay-frames.json");
  const fixture = {
    about: "Visitor-to-server frames recorded from the real visitor script in Chromium (demo shop and htmlparser-benchmark pages); regenerate with node bench/relay/record.mjs",
    origin: RECORDED_ORIGIN,
    sessions: recordings,
  };
  writeFileSync(out, JSON.stringify(fixture) + "\n");
  const frames = recordings.reduce((n, r) => n + r.frames.length, 0);
  process.stdout.write(`recorded ${recordings.length} sessions, ${frames} frames → ${path.relative(root, out)}\n`);
}

await main();
