import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildVisitorBundle, startHostSite, type HostSite } from "./host-site.js";
import { visitHostSite, type Visit } from "./host-visit.js";

// Canvas capture in the visitor script, in Chromium on the demo account page (a bar chart in a
// panel, a second chart inside the `cobrowsing_nosync` bank block), against a scripted relay:
// images go out only when the welcome enables them, only while an agent watches, only for
// visible canvases outside masked blocks, never for a canvas tainted by a cross-origin drawing,
// and the page never sees an error.

const suite = chromiumPath ? describe : describe.skip;
const MASKING = ["[data-private]", ".account-number"];
const CANVAS = { intervalMs: 250, maxBytes: 262_144 };

type CanvasFrame = { kind: "canvas"; id: number; image: string };
const canvasFrames = (sent: readonly string[]): CanvasFrame[] => sent.filter((f) => f.startsWith('{"kind":"canvas"')).map((f) => JSON.parse(f) as CanvasFrame);

/** The node id the script gave the element whose serialized start tag the pattern's group 1 captures. */
function idIn(sent: readonly string[], pattern: RegExp): number {
  for (const f of sent) {
    const m = pattern.exec(f);
    if (m?.[1]) return Number(m[1]);
  }
  throw new Error(`no element matching ${pattern} in the frames sent`);
}

suite("canvas capture in the visitor script", () => {
  let tb: TestBrowser;
  let withCanvas: HostSite;
  let withoutCanvas: HostSite;
  let elsewhere: Server;
  let elsewhereUrl: string;

  beforeAll(async () => {
    const bundle = buildVisitorBundle();
    withCanvas = await startHostSite(bundle, { maskingSelectors: MASKING, canvas: CANVAS });
    withoutCanvas = await startHostSite(bundle, { maskingSelectors: MASKING });
    // Another origin whose image taints any canvas that draws it.
    elsewhere = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "image/svg+xml" }).end('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#0a0"/></svg>');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/tile.svg`;
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await withCanvas?.close();
    await withoutCanvas?.close();
    elsewhere?.closeAllConnections();
    await new Promise<void>((resolve) => (elsewhere ? elsewhere.close(() => resolve()) : resolve()));
  });

  async function share(site: HostSite): Promise<Visit> {
    const visit = await visitHostSite(tb.browser, site, "/demo/account");
    const { page, peer, sent } = visit;
    peer.send({ kind: "consent-request", request: "req-view-1", mode: "view", agent: { displayName: "Alex Agent" } });
    await page.getByRole("button", { name: "Share my screen" }).click();
    await peer.waitFor((m) => m.kind === "consent");
    peer.send({ kind: "state", state: "active", mode: "view", agents: 1, watching: true });
    await peer.waitFor((m) => m.kind === "snapshot");
    await expect.poll(() => sent.some((f) => f.startsWith('{"kind":"snapshot"'))).toBe(true);
    // The chart is the last panel of the page: bring it into view.
    await page.evaluate(() => document.getElementById("orders-chart")?.scrollIntoView({ block: "center" }));
    return visit;
  }

  it("sends the visible chart at the policy interval while an agent watches, and never the chart in the nosync block", async () => {
    const v = await share(withCanvas);
    const chart = idIn(v.sent, /<canvas data-airlock-id=\\"(\d+)\\" id=\\"orders-chart\\"/);
    await expect.poll(() => canvasFrames(v.sent).length).toBeGreaterThan(0);
    const first = canvasFrames(v.sent)[0];
    expect(first?.id).toBe(chart);
    expect(first?.image).toMatch(/^data:image\/(webp|png|jpeg);base64,/);
    // The nosync block left the page as an empty placeholder: its canvas has no id and no image.
    expect(v.sent.join("\n")).not.toContain("balance-chart");

    // An unchanged canvas costs nothing; a redrawn one goes out at the next tick.
    const before = canvasFrames(v.sent).length;
    await v.page.evaluate(() => {
      const c = document.getElementById("orders-chart") as HTMLCanvasElement;
      const g = c.getContext("2d");
      if (g) {
        g.fillStyle = "#0b5cad";
        g.fillRect(20, 20, 120, 60);
      }
    });
    await expect.poll(() => canvasFrames(v.sent).length).toBe(before + 1);
    expect(canvasFrames(v.sent).every((f) => f.id === chart)).toBe(true);
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  });

  it("skips canvases that are off screen or tainted by a cross-origin image, without an error in the page", async () => {
    const v = await share(withCanvas);
    await v.page.evaluate(async (src) => {
      const tainted = document.createElement("canvas");
      tainted.id = "tainted";
      tainted.width = 40;
      tainted.height = 40;
      const img = new Image();
      img.src = src;
      await img.decode();
      tainted.getContext("2d")?.drawImage(img, 0, 0);
      const below = document.createElement("canvas");
      below.id = "below";
      below.width = 40;
      below.height = 40;
      below.style.marginTop = "3000px";
      below.getContext("2d")?.fillRect(0, 0, 40, 40);
      document.getElementById("orders-chart")?.before(tainted);
      document.querySelector("main")?.append(below);
    }, elsewhereUrl);
    await expect.poll(() => v.sent.some((f) => f.includes('id=\\"below\\"'))).toBe(true);
    const tainted = idIn(v.sent, /<canvas data-airlock-id=\\"(\d+)\\" id=\\"tainted\\"/);
    const below = idIn(v.sent, /<canvas data-airlock-id=\\"(\d+)\\" id=\\"below\\"/);
    // Scrolled into view, the lower canvas goes out; the tainted one never does.
    await v.page.evaluate(() => document.getElementById("below")?.scrollIntoView());
    await expect.poll(() => canvasFrames(v.sent).some((f) => f.id === below)).toBe(true);
    // Back at the chart the tainted canvas beside it is in view: a tick that sends the redrawn chart has seen it too.
    const chart = idIn(v.sent, /<canvas data-airlock-id=\\"(\d+)\\" id=\\"orders-chart\\"/);
    const chartImages = canvasFrames(v.sent).filter((f) => f.id === chart).length;
    await v.page.evaluate(() => {
      const chartEl = document.getElementById("orders-chart") as HTMLCanvasElement;
      chartEl.scrollIntoView({ block: "center" });
      chartEl.getContext("2d")?.fillRect(0, 0, 30, 30);
    });
    await expect.poll(() => canvasFrames(v.sent).filter((f) => f.id === chart).length).toBe(chartImages + 1);
    expect(canvasFrames(v.sent).some((f) => f.id === tainted)).toBe(false);
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  });

  it("captures nothing while no agent watches, and sends the current image again when watching resumes", async () => {
    const v = await share(withCanvas);
    const chart = idIn(v.sent, /<canvas data-airlock-id=\\"(\d+)\\" id=\\"orders-chart\\"/);
    await expect.poll(() => canvasFrames(v.sent).length).toBeGreaterThan(0);
    v.peer.send({ kind: "state", state: "active", mode: "view", agents: 0, watching: false });
    await expect.poll(() => v.page.getByRole("region", { name: "Screen sharing with support" }).count()).toBe(0);
    const paused = v.sent.length;
    await v.page.evaluate(() => {
      const g = (document.getElementById("orders-chart") as HTMLCanvasElement).getContext("2d");
      if (g) g.clearRect(0, 0, 560, 200);
    });
    // Four capture intervals with the canvas changed: nothing may leave the page.
    await v.page.waitForTimeout(4 * CANVAS.intervalMs);
    expect(v.sent.slice(paused)).toEqual([]);
    v.peer.send({ kind: "state", state: "active", mode: "view", agents: 1, watching: true });
    await expect.poll(() => v.sent.slice(paused).some((f) => f.startsWith('{"kind":"canvas"'))).toBe(true);
    const resumed = v.sent.slice(paused).map((f) => JSON.parse(f) as { kind: string; id?: number });
    // A snapshot first (the relay forgets the images with it), then the chart's current image.
    expect(resumed.findIndex((f) => f.kind === "snapshot")).toBeLessThan(resumed.findIndex((f) => f.kind === "canvas"));
    expect(resumed.find((f) => f.kind === "canvas")?.id).toBe(chart);
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  });

  it("sends no canvas image when the relay's welcome does not enable them", async () => {
    const v = await share(withoutCanvas);
    await v.page.evaluate(() => {
      const g = (document.getElementById("orders-chart") as HTMLCanvasElement).getContext("2d");
      if (g) g.fillRect(0, 0, 50, 50);
    });
    await v.page.click("#nosync-button");
    await v.page.waitForTimeout(4 * CANVAS.intervalMs);
    expect(canvasFrames(v.sent)).toEqual([]);
    expect(v.sent.length).toBeGreaterThan(1);
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  });
});
