import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import { agentJoins, type Watcher } from "./control-session.js";
import { demoInBrowser } from "./demo-airlock.js";

// Agent guidance on the visitor's real page, through the real server, both sides in Chromium:
// the palette in the viewer; a laser trail that fades; an outlined element that follows the
// visitor's scrolling; a freehand stroke anchored to the document that the visitor sees and
// clicks straight through (the overlay takes no pointer event); cleared by the visitor's bar
// button on both sides, and by the agent's Escape; gone when sharing stops.
//
// The overlay lives in a closed shadow root: the test's init script keeps a reference to it when
// the visitor script creates it (the page itself cannot reach in otherwise).

const suite = chromiumPath ? describe : describe.skip;

interface GuidesSeen {
  readonly host: boolean;
  readonly strokes: number;
  readonly lasers: number;
  readonly outline: { x: number; y: number; width: number; height: number } | null;
  /** The first stroke's middle point, in viewport coordinates. */
  readonly strokeAt: { x: number; y: number } | null;
  readonly strokeTop: number | null;
}

function guidesOn(page: Page): Promise<GuidesSeen> {
  return page.evaluate(() => {
    const root = (window as unknown as { __guides?: ShadowRoot }).__guides;
    if (!root?.host.isConnected) return { host: false, strokes: 0, lasers: 0, outline: null, strokeAt: null, strokeTop: null };
    const box = root.querySelector<HTMLElement>(".outline");
    const r = box && !box.hidden ? box.getBoundingClientRect() : null;
    const stroke = root.querySelector("polyline");
    const pts = (stroke?.getAttribute("points") ?? "").split(" ").filter(Boolean).map((p) => p.split(",").map(Number));
    const mid = pts[Math.floor(pts.length / 2)];
    return {
      host: true,
      strokes: root.querySelectorAll("polyline").length,
      lasers: root.querySelectorAll("line, circle").length,
      outline: r ? { x: r.x, y: r.y, width: r.width, height: r.height } : null,
      strokeAt: mid ? { x: (mid[0] ?? 0) - scrollX, y: (mid[1] ?? 0) - scrollY } : null,
      strokeTop: stroke ? stroke.getBoundingClientRect().top : null,
    };
  });
}

/** Pixels of the stroke's red in a PNG, counted by Chromium itself in a blank page. */
async function redPixels(scratch: Page, png: Buffer): Promise<number> {
  return scratch.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext("2d");
    if (!g) return -1;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if ((d[i] ?? 0) > 170 && (d[i + 1] ?? 255) < 100 && (d[i + 2] ?? 255) < 100) n++;
    return n;
  }, png.toString("base64"));
}

suite("agent guidance over the visitor's page", () => {
  const env = demoInBrowser();
  let visitor: Page;
  let agent: Watcher;
  let scratch: Page;
  const agentPage = () => agent.person.page;
  const tool = (name: string) => agentPage().getByRole("group", { name: "Guidance tools" }).getByRole("button", { name, exact: true });
  const shot = async (page: Page, name: string) => void (await page.screenshot({ path: screenshotPath(`guidance-${name}`) }));
  const overlayBox = async () => {
    const box = await agentPage().locator(".cb-overlay").boundingBox();
    if (!box) throw new Error("no overlay");
    return box;
  };

  it("offers the palette once the visitor shares: keyboard-operable, no axe violations", async () => {
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 760 } });
    await context.addInitScript(() => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with its element as `this`
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
        const root = attach.call(this, init);
        if (this.hasAttribute("data-airlock-guides")) (window as unknown as { __guides: ShadowRoot }).__guides = root;
        return root;
      };
    });
    visitor = await context.newPage();
    scratch = await context.newPage();
    await visitor.goto(`${env.demo.origin}/demo`);
    await visitor.locator("h1").waitFor();
    agent = await agentJoins(env.browser, env.demo, "agent", "guidance");
    await expect(tool("Draw").isDisabled()).resolves.toBe(true);
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    await expect.poll(() => agent.replica.text("h1"), { timeout: 10_000 }).toBe(await visitor.locator("h1").innerText());
    await expect.poll(() => tool("Draw").isDisabled()).toBe(false);
    await expect(tool("Pointer").getAttribute("aria-pressed")).resolves.toBe("true");

    await tool("Laser").focus();
    await agentPage().keyboard.press("Tab");
    await agentPage().keyboard.press("Space");
    await expect(tool("Highlight").getAttribute("aria-pressed")).resolves.toBe("true");
    await expect(tool("Pointer").getAttribute("aria-pressed")).resolves.toBe("false");
    await expect(agentPage().locator(".cb-overlay").getAttribute("aria-label")).resolves.toContain("outlined");
    expect(await axeViolations(agentPage(), { include: [".cb-viewer"], exclude: [".cb-scaler iframe"] })).toEqual([]);
    await agentPage().locator(".cb-bar").screenshot({ path: screenshotPath("guidance-agent-palette") });
  });

  it("shows the agent's laser as a short trail on the visitor's page that fades by itself", async () => {
    await tool("Laser").click();
    const o = await overlayBox();
    // The agent keeps moving while the screenshots are taken (the trail lives about a second).
    let moving = true;
    const sweep = (async () => {
      for (let i = 0; moving && i < 400; i++) {
        const t = (i % 60) / 60;
        await agentPage().mouse.move(o.x + o.width * (0.15 + 0.5 * t), o.y + o.height * (0.3 + 0.25 * Math.sin(t * Math.PI * 2)));
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await expect.poll(async () => (await guidesOn(visitor)).lasers, { timeout: 5_000, interval: 20 }).toBeGreaterThan(5);
    await shot(visitor, "visitor-laser");
    await shot(agentPage(), "agent-laser");
    moving = false;
    await sweep;
    // Gone on its own (no clear, no further movement).
    await expect.poll(async () => (await guidesOn(visitor)).lasers, { timeout: 5_000 }).toBe(0);
  });

  it("outlines the element the agent picks, and the outline follows it when the visitor scrolls", async () => {
    await tool("Highlight").click();
    const title = await agent.replica.box("#product-lamp h3");
    await agentPage().mouse.click(title.x + 12, title.y + title.height / 2);
    const matches = async () => {
      const seen = (await guidesOn(visitor)).outline;
      const r = await visitor.locator("#product-lamp h3").boundingBox();
      if (!seen || !r) return false;
      return Math.abs(seen.x + 4 - r.x) < 2 && Math.abs(seen.y + 4 - r.y) < 2 && Math.abs(seen.width - 8 - r.width) < 2;
    };
    await expect.poll(matches, { timeout: 5_000 }).toBe(true);
    const before = (await guidesOn(visitor)).outline?.y ?? 0;
    await visitor.mouse.move(300, 400);
    await visitor.mouse.wheel(0, 240);
    await expect.poll(() => visitor.evaluate(() => scrollY)).toBeGreaterThan(100);
    await expect.poll(matches).toBe(true);
    expect((await guidesOn(visitor)).outline?.y ?? 0).toBeLessThan(before - 100);
    await shot(visitor, "visitor-highlight");
    await shot(agentPage(), "agent-highlight");
  });

  it("draws the agent's stroke on the visitor's page, anchored to the document, and the visitor clicks straight through it", async () => {
    await tool("Draw").click();
    const add = await agent.replica.box("button.add[data-product=mug]");
    const y = add.y + add.height / 2;
    await agentPage().mouse.move(add.x - 30, y - 12);
    await agentPage().mouse.down();
    await agentPage().mouse.move(add.x + add.width / 2, y, { steps: 8 });
    await agentPage().mouse.move(add.x + add.width + 30, y + 12, { steps: 8 });
    await agentPage().mouse.up();
    await expect.poll(async () => (await guidesOn(visitor)).strokes).toBe(1);
    await expect(agentPage().locator(".cb-guide-stroke").count()).resolves.toBe(1);
    // The bar offers to clear.
    await visitor.getByRole("button", { name: "Clear drawings" }).waitFor();
    expect(await axeViolations(visitor, { include: ["[data-airlock-ui]"] })).toEqual([]);
    await shot(visitor, "visitor-drawing");
    await shot(agentPage(), "agent-drawing");

    const seen = await guidesOn(visitor);
    const at = seen.strokeAt;
    if (!at) throw new Error("no stroke point");
    const clip = { x: Math.max(0, at.x - 40), y: Math.max(0, at.y - 20), width: 80, height: 40 };
    expect(await redPixels(scratch, await visitor.screenshot({ clip }))).toBeGreaterThan(30);
    // The page's own button is what the point hits; a click there acts on the page, not the drawing.
    await expect(visitor.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest("button.add")?.getAttribute("data-product") ?? null, at)).resolves.toBe("mug");
    await visitor.mouse.click(at.x, at.y);
    await expect.poll(() => visitor.locator("#cart-count").innerText()).toBe("1");
    // Anchored to the document: scrolling moves the stroke with the page.
    const top = seen.strokeTop ?? 0;
    await visitor.mouse.wheel(0, -120);
    await expect.poll(() => visitor.evaluate(() => scrollY)).toBeLessThan(130);
    await expect.poll(async () => Math.round((await guidesOn(visitor)).strokeTop ?? 0)).toBeGreaterThan(top + 80);
  });

  it("the visitor's Clear drawings takes everything away on both sides", async () => {
    await visitor.getByRole("button", { name: "Clear drawings" }).click();
    await expect.poll(async () => (await guidesOn(visitor)).host).toBe(false);
    await expect.poll(() => agentPage().locator(".cb-guide-stroke").count()).toBe(0);
    await expect.poll(() => agentPage().locator(".cb-guide-outline:not([hidden])").count()).toBe(0);
    await expect.poll(() => agent.status()).toBe("The visitor cleared the drawings.");
    await expect(visitor.getByRole("button", { name: "Clear drawings" }).count()).resolves.toBe(0);
    await shot(visitor, "visitor-cleared");
    await shot(agentPage(), "agent-cleared");
  });

  it("the agent's Escape clears, and stopping the share leaves nothing on the page", async () => {
    const o = await overlayBox();
    const stroke = async () => {
      await agentPage().mouse.move(o.x + 100, o.y + 200);
      await agentPage().mouse.down();
      await agentPage().mouse.move(o.x + 260, o.y + 240, { steps: 6 });
      await agentPage().mouse.up();
      await expect.poll(async () => (await guidesOn(visitor)).strokes).toBe(1);
    };
    await stroke();
    await agentPage().keyboard.press("Escape");
    await expect.poll(async () => (await guidesOn(visitor)).host).toBe(false);
    await stroke();
    await visitor.getByRole("region", { name: "Screen sharing with support" }).getByRole("button", { name: "Stop sharing" }).click();
    await expect.poll(async () => (await guidesOn(visitor)).host).toBe(false);
    await expect.poll(() => visitor.locator("[data-airlock-guides]").count()).toBe(0);
  });

  it("audited each gesture, outline, stroke and clear as metadata", async () => {
    const rows = async () =>
      (await env.demo.server.services.storage.db.selectFrom("audit_log").select(["actor", "action", "target"]).where("action", "like", "cobrowse.guide%").orderBy("seq").execute()).map(
        (r) => `${r.actor.replace(/^agent:.*/, "agent")} ${r.action} ${(r.target ?? "").replace(/^room:[^/]*/, "")}`.trim(),
      );
    // A pause in the laser sweep (a slow screenshot) ends a gesture: one entry per gesture, one or more.
    const normalized = async () =>
      (await rows()).map((r) => r.replace(/points:\d+/, "points:N").replace(/node:\d+/, "node:N")).filter((r, i, all) => !(r.includes(".laser") && all[i - 1]?.includes(".laser")));
    await expect.poll(normalized).toEqual([
      "agent cobrowse.guide.laser /points:N",
      "agent cobrowse.guide.outline /node:N",
      "agent cobrowse.guide.draw /points:N",
      "visitor:demo cobrowse.guide.clear",
      "agent cobrowse.guide.draw /points:N",
      "agent cobrowse.guide.clear",
      "agent cobrowse.guide.draw /points:N",
    ]);
    expect(visitor.context().pages().length).toBe(2);
  });
});
