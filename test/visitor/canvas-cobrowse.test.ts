import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signInEnrolled } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { DEMO_SITE_KEY, startDemoAirlock, type DemoAirlock } from "../e2e/demo-airlock.js";
import { openVisitor, signInAgent, type Person, type Visitor } from "../e2e/people.js";
import { replaceOnce, shipped } from "../policy/policy-dir.js";
import { openAgent, startSession, WsClient, wsUrl } from "../relay/ws-client.js";
import { PageCopyView } from "../e2e/page-copy-view.js";
import { buildConsoleBundle, buildVisitorBundle } from "./host-site.js";

// Canvas images through the whole product: the demo account page's bar chart drawn by the
// visitor's Chromium, checked by the real relay, painted by the real console into the agent's
// replica (no URL of any kind, replay CSP unchanged) when the co-browse policy enables canvas
// images; with the shipped policy (off) the script sends none and the relay refuses a forged one.
// Screenshots: test-results/screenshots/canvas-*.png.

const suite = chromiumPath ? describe : describe.skip;
const SHIPPED_CANVAS = "canvas: { enabled: false, intervalMs: 1000,";
const ENABLED_CANVAS = "canvas: { enabled: true, intervalMs: 250,";
/** The bar colour of the demo chart (#b45309) and a colour the test draws later (#0b5cad). */
const AMBER = [180, 83, 9] as const;
const BLUE = [11, 92, 173] as const;
const ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/**
 * Pixels close to `rgb` in what the agent's screen shows of the replica's only canvas: a real
 * screenshot, decoded in a blank page (createImageBitmap needs no URL).
 */
async function shownPixels(agent: Page, decoder: Page, rgb: readonly [number, number, number]): Promise<number> {
  const canvases = await agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelectorAll("canvas").length ?? 0);
  if (canvases !== 1) return -1;
  const box = await new PageCopyView(agent).box("canvas");
  if (box.width < 1 || box.height < 1) return -1;
  const png = (await agent.screenshot({ clip: box })).toString("base64");
  return decoder.evaluate(
    async ({ png, target }) => {
      const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
      const g = new OffscreenCanvas(bitmap.width, bitmap.height).getContext("2d", { willReadFrequently: true });
      if (!g) return -1;
      g.drawImage(bitmap, 0, 0);
      const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs((data[i] ?? 0) - target[0]) < 24 && Math.abs((data[i + 1] ?? 0) - target[1]) < 24 && Math.abs((data[i + 2] ?? 0) - target[2]) < 24) n++;
      }
      return n;
    },
    { png, target: rgb },
  );
}

const canvasFrames = (sent: readonly string[]) => sent.filter((f) => f.startsWith('{"kind":"canvas"')).map((f) => JSON.parse(f) as { id: number; image: string });

suite("canvas images from the visitor's page to the agent's replica", () => {
  let tb: TestBrowser;

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
  });

  describe("with canvas images enabled in cobrowse.yaml", () => {
    let demo: DemoAirlock;
    let visitor: Visitor;
    let agent: Person;

    beforeAll(async () => {
      demo = await startDemoAirlock({ policies: () => ({ "cobrowse.yaml": replaceOnce(shipped("cobrowse.yaml"), SHIPPED_CANVAS, ENABLED_CANVAS) }) });
    });
    afterAll(async () => {
      await demo?.stop();
    });

    it("shows the visitor's chart in the agent's replica and follows when it is redrawn; the nosync chart never leaves the page", async () => {
      visitor = await openVisitor(tb.browser, `${demo.origin}/demo/account`, "canvas");
      await visitor.page.getByRole("heading", { name: "Your orders this year" }).waitFor();
      agent = await signInAgent(tb.browser, demo.origin, "/console/cobrowse", "agent", "canvas");
      await agent.page.getByTestId("cobrowse-sessions").getByRole("row").filter({ hasText: "Airlock demo site" }).waitFor();
      await agent.page.getByRole("button", { name: /^Start co-browsing/ }).click();
      await visitor.page.getByRole("button", { name: "Share my screen" }).click();
      // The chart is the last panel of the page; the agent's replica follows the visitor's scroll.
      await visitor.page.evaluate(() => document.getElementById("orders-chart")?.scrollIntoView({ block: "center" }));

      const decoder = await tb.browser.newPage();
      await expect.poll(() => shownPixels(agent.page, decoder, AMBER), { timeout: 10_000 }).toBeGreaterThan(1500);
      // The canvas's fallback text (what a no-script frame would show instead) is hidden under the image.
      const fallbackColor = await agent.page.evaluate(() => {
        const canvas = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelector("canvas");
        return canvas ? getComputedStyle(canvas).color : "";
      });
      expect(fallbackColor).toBe("rgba(0, 0, 0, 0)");
      await agent.page.locator(".cb-scaler").screenshot({ path: screenshotPath("canvas-agent-replica") });
      await visitor.shot("chart");

      // Only the public chart's images left the page.
      const sent = canvasFrames(visitor.sent);
      expect(new Set(sent.map((f) => f.id)).size).toBe(1);
      expect(visitor.sent.join("\n")).not.toContain("balance-chart");

      // The visitor's page redraws its chart: the replica follows at the next interval.
      await visitor.page.evaluate(() => {
        const g = (document.getElementById("orders-chart") as HTMLCanvasElement).getContext("2d");
        if (g) {
          g.fillStyle = "#0b5cad";
          g.fillRect(300, 20, 200, 120);
        }
      });
      await expect.poll(() => shownPixels(agent.page, decoder, BLUE)).toBeGreaterThan(8000);
      await decoder.close();
      await agent.page.locator(".cb-scaler").screenshot({ path: screenshotPath("canvas-agent-replica-redrawn") });

      // The replica got no image URL and the agent's page saw no CSP or Trusted Types violation.
      const urls = await agent.page.evaluate(() =>
        [...(document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelectorAll("[src], [style*='url(']") ?? [])].map((e) => e.outerHTML.slice(0, 120)),
      );
      expect(urls.filter((u) => u.includes("data:") || u.includes("blob:"))).toEqual([]);
      expect(agent.problems).toEqual([]);
      expect(visitor.problems).toEqual([]);

      // The replay CSP admits the console's blob: images and still no data: image.
      const dataImageShown = await agent.page.evaluate(async (png) => {
        const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
        if (!doc) return true;
        const img = doc.createElement("img");
        img.src = `data:image/png;base64,${png}`;
        doc.body.append(img);
        try {
          await img.decode();
          return true;
        } catch {
          return false;
        } finally {
          img.remove();
        }
      }, ONE_PIXEL_PNG);
      expect(dataImageShown).toBe(false);

      // Invariant 1: no image bytes in any log line.
      const logs = demo.server.logText();
      for (const f of canvasFrames(visitor.sent)) expect(logs).not.toContain(f.image.slice(30, 90));
      expect(logs).not.toContain("data:image");
    });
  });

  describe("with the shipped policy (canvas images off)", () => {
    let demo: DemoAirlock;

    beforeAll(async () => {
      demo = await startDemoAirlock();
    });
    afterAll(async () => {
      await demo?.stop();
    });

    it("sends no canvas image from the page, and the relay refuses a forged one with not_allowed", async () => {
      const context = await tb.browser.newContext({ viewport: { width: 1100, height: 760 } });
      const page = await context.newPage();
      const sent: string[] = [];
      const welcomes: string[] = [];
      page.on("websocket", (ws) => {
        ws.on("framesent", (f) => sent.push(String(f.payload)));
        ws.on("framereceived", (f) => String(f.payload).startsWith('{"kind":"welcome"') && welcomes.push(String(f.payload)));
      });
      await page.goto(`${demo.origin}/demo/account`);
      const { agent: http } = await signInEnrolled(demo.server, "agent");
      const agent = await openAgent(demo.server, http);
      // The page's load event can come before its script has said hello: wait until the visit is listed.
      let sessions: { room: string }[] = [];
      await expect
        .poll(async () => {
          sessions = ((await http.json(`${demo.server.url}/api/v1/cobrowse/sessions`, "GET")).body as { sessions: { room: string }[] }).sessions;
          return sessions.length;
        })
        .toBeGreaterThan(0);
      agent.send({ kind: "join", versions: [1], room: sessions.at(-1)?.room ?? "", mode: "view" });
      await agent.next("welcome");
      await page.getByRole("button", { name: "Share my screen" }).click();
      await agent.next("snapshot");
      expect(welcomes.map((w) => JSON.parse(w) as { privacy: Record<string, unknown> }).every((w) => !("canvas" in w.privacy))).toBe(true);
      // Two shipped intervals with the chart in view and changing: no image leaves the page.
      await page.evaluate(() => document.getElementById("orders-chart")?.scrollIntoView({ block: "center" }));
      for (let i = 0; i < 2; i++) {
        await page.evaluate((n) => (document.getElementById("orders-chart") as HTMLCanvasElement).getContext("2d")?.fillRect(n * 40, 0, 30, 30), i);
        await page.waitForTimeout(1000);
      }
      expect(canvasFrames(sent)).toEqual([]);
      expect(agent.frames.filter((f) => f.kind === "canvas")).toEqual([]);
      await context.close();

      // A visitor connection that sends one anyway is refused by policy, not by accident.
      const forger = await WsClient.open(wsUrl(demo.server, "/ws/visitor"), demo.origin);
      forger.send({ kind: "hello", versions: [1], siteKey: DEMO_SITE_KEY, url: `${demo.origin}/demo/account`, viewport: { width: 800, height: 600 } });
      await forger.next("welcome");
      const sessions2 = (await http.json(`${demo.server.url}/api/v1/cobrowse/sessions`, "GET")).body as { sessions: { room: string }[] };
      const agent2 = await openAgent(demo.server, http);
      await startSession(forger, agent2, sessions2.sessions.at(-1)?.room ?? "");
      forger.send({ kind: "snapshot", seq: 1, url: `${demo.origin}/demo/account`, html: '<body data-airlock-id="1"><canvas data-airlock-id="2" width="1" height="1"></canvas></body>', viewport: { width: 800, height: 600 } });
      await agent2.next("snapshot");
      forger.send({ kind: "canvas", id: 2, image: `data:image/png;base64,${ONE_PIXEL_PNG}` });
      expect(await forger.next("error")).toMatchObject({ code: "not_allowed", ref: "canvas" });
      expect(agent2.frames.filter((f) => f.kind === "canvas")).toEqual([]);
      forger.close();
      agent.close();
      agent2.close();
    });
  });
});
