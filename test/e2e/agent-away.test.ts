import type { Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { replaceOnce, shipped } from "../policy/policy-dir.js";
import { ManualClock } from "../relay/ws-client.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { startDemoAirlock, type DemoAirlock } from "./demo-airlock.js";
import { openVisitor, signInAgent, type Person, type Visitor } from "./people.js";
import { PageCopyView } from "./page-copy-view.js";

// "Away" as a visitor and an agent live it, through the real server, in Chromium, with a short
// policy value (agentInactivity: 10 s) on a manual relay clock. An agent who only watches never
// times out; a hidden viewer gets a countdown that coming back cancels; staying away ends the
// session and both sides read why; a closed viewer tab is away too, and reopening it in time
// returns to the session without a new prompt; a lost connection reconnects by itself.
// Screenshots: test-results/screenshots/away-*.png.
//
// Headless Chromium does not change Page Visibility when a tab is covered or minimised, so the
// test sets what the Page Visibility API reports (document.visibilityState) and fires
// `visibilitychange`, the event the console listens to.

const suite = chromiumPath ? describe : describe.skip;
/** Waits for the page copy and the visitor's page: generous, the machine may be busy. */
const SLOW = { timeout: 20_000 };

async function setVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate((s) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => s });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => s === "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
}

suite("an agent away from a co-browse session (Chromium, real relay)", () => {
  const clock = new ManualClock();
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let visitor: Visitor;
  let agent: Person;
  let viewer: Page;
  const bar = () => visitor.page.getByRole("region", { name: "Screen sharing with support" });
  const notice = () => visitor.page.locator("[data-airlock-notice]");
  const awayBanner = () => viewer.locator(".cb-banner[data-kind=away]");

  /** The agent starts co-browsing from the session list; the visitor agrees; the page copy shows the shop. */
  async function startSharing(page: Page): Promise<void> {
    await page.goto(`${demo.origin}/console/cobrowse`);
    await page.getByRole("button", { name: /^Start co-browsing/ }).click();
    await page.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
    await visitor.page.getByRole("button", { name: "Share my screen" }).click();
    await expect.poll(() => bar().innerText()).toContain("Alex Agent is viewing this page");
    await expect.poll(() => new PageCopyView(page).text("h1"), SLOW).toBe("Office goods for careful people");
  }

  /** Waits until the relay scheduled a timer it did not have (the away countdown started). */
  async function timerScheduled(before: number): Promise<void> {
    await expect.poll(() => clock.pending, { timeout: 5_000, interval: 10 }).toBeGreaterThan(before);
  }

  async function auditActions(): Promise<{ action: string; rule: string | null }[]> {
    return demo.server.services.storage.db.selectFrom("audit_log").select(["action", "rule"]).where("action", "like", "cobrowse.%").orderBy("seq").execute();
  }

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startDemoAirlock({
      policies: () => ({ "cobrowse.yaml": replaceOnce(shipped("cobrowse.yaml"), "agentInactivity: { seconds: 120,", "agentInactivity: { seconds: 10,") }),
      start: { relayClock: clock },
    });
    tb = await launchBrowser();
    visitor = await openVisitor(tb.browser, `${demo.origin}/demo`, "away");
    await visitor.page.getByRole("heading", { name: "Office goods for careful people" }).waitFor();
    agent = await signInAgent(tb.browser, demo.origin, "/console/cobrowse", "agent", "away");
    viewer = agent.page;
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  }, 90_000);

  it("an agent who only watches never times out; a hidden viewer shows a countdown that coming back cancels", async () => {
    await startSharing(viewer);
    clock.advance(30 * 60_000); // half an hour of watching without a click
    await expect(viewer.locator(".cb-status").innerText()).resolves.toBe("You are viewing the visitor's page");
    await expect(bar().innerText()).resolves.toContain("Alex Agent is viewing this page");

    await setVisibility(viewer, "hidden");
    await awayBanner().waitFor();
    await expect(awayBanner().innerText()).resolves.toBe("You are away from this session: it ends in 0:10 unless you come back to this page.");
    await expect.poll(() => viewer.title()).toMatch(/^Away 0:\d\d · /);
    await agent.shot("01-away-countdown");

    await setVisibility(viewer, "visible");
    await expect.poll(() => awayBanner().isVisible()).toBe(false);
    await expect.poll(() => viewer.title()).not.toMatch(/^Away/);
    clock.advance(60_000);
    await expect(bar().innerText()).resolves.toContain("Alex Agent is viewing this page");
    await visitor.shot("01-still-sharing-after-return");
  }, 90_000);

  it("staying away ends the session: both sides read why, and the audit entry names the reason and the rule", async () => {
    const before = clock.pending;
    await setVisibility(viewer, "hidden");
    await awayBanner().waitFor();
    await timerScheduled(before);
    clock.advance(10_000);

    await expect.poll(() => bar().count()).toBe(0);
    await notice().waitFor();
    await expect(notice().innerText()).resolves.toContain("Screen sharing has ended");
    await expect(notice().innerText()).resolves.toContain("Alex Agent was away for too long, so the session ended automatically.");
    await expect(viewer.getByTestId("end-reason").innerText()).resolves.toBe(
      "You were away from this page too long (the page was hidden or its connection was lost), so the session ended.",
    );
    await expect(awayBanner().isVisible()).resolves.toBe(false);
    await visitor.shot("02-ended-agent-away");
    await agent.shot("02-ended-agent-away");

    await expect.poll(async () => (await auditActions()).map((r) => r.action)).toContain("cobrowse.end.agent_away");
    const end = (await auditActions()).find((r) => r.action === "cobrowse.end.agent_away");
    expect(end?.rule).toBe("cobrowse.agentInactivity");
    await notice().getByRole("button", { name: "OK" }).click();
    await setVisibility(viewer, "visible");
  }, 90_000);

  it("a closed viewer tab is away too: reopened in time it returns without a new prompt; left closed, the session ends", async () => {
    await startSharing(viewer);
    const sessionUrl = viewer.url();
    const prompts = async () => visitor.sent.filter((f) => f.includes('"kind":"consent"')).length;
    const answered = await prompts();

    let before = clock.pending;
    await viewer.close();
    await timerScheduled(before);
    clock.advance(9_000);
    viewer = await agent.page.context().newPage();
    await viewer.goto(sessionUrl);
    await expect.poll(() => new PageCopyView(viewer).text("h1"), SLOW).toBe("Office goods for careful people");
    await expect(viewer.locator(".cb-status").innerText()).resolves.toBe("You are viewing the visitor's page");
    expect(await prompts()).toBe(answered); // no new question to the visitor
    clock.advance(60_000);
    await expect(bar().innerText()).resolves.toContain("Alex Agent is viewing this page");
    await visitor.shot("03-sharing-after-viewer-reopened");

    before = clock.pending;
    await viewer.close();
    await timerScheduled(before);
    clock.advance(10_000);
    await expect.poll(() => bar().count()).toBe(0);
    await expect(notice().innerText()).resolves.toContain("Alex Agent was away for too long, so the session ended automatically.");
    await visitor.shot("03-ended-after-viewer-closed");
    await notice().getByRole("button", { name: "OK" }).click();
  }, 90_000);

  it("a lost connection reconnects by itself: a countdown while it is away, then the same session without a new prompt", async () => {
    // The viewer's /ws/agent goes through Playwright, which can drop it as a network would (page
    // scripts may only close with 1000 or 3000-4999, so the drop is 3000: neither a goodbye nor a
    // refusal).
    let offline = false;
    const servers: WebSocketRoute[] = [];
    viewer = await agent.page.context().newPage();
    await viewer.routeWebSocket(/\/ws\/agent/, (ws) => {
      if (offline) return ws.close({ code: 3000, reason: "offline" });
      servers.push(ws.connectToServer());
    });
    await startSharing(viewer);
    const prompts = async () => visitor.sent.filter((f) => f.includes('"kind":"consent"')).length;
    const answered = await prompts();

    const before = clock.pending;
    offline = true;
    await servers.at(-1)?.close({ code: 3000, reason: "network lost" });
    await timerScheduled(before);
    await awayBanner().waitFor();
    await expect(awayBanner().innerText()).resolves.toMatch(/^The connection to the session was lost\. Reconnecting… the session ends in 0:\d\d unless the connection comes back\.$/);
    await viewer.screenshot({ path: screenshotPath("away-agent-04-reconnecting-countdown") });

    offline = false;
    await expect.poll(() => awayBanner().isVisible(), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => new PageCopyView(viewer).text("h1"), SLOW).toBe("Office goods for careful people");
    await expect(viewer.locator(".cb-status").innerText()).resolves.toBe("You are viewing the visitor's page");
    expect(await prompts()).toBe(answered);
    clock.advance(60_000);
    await expect(bar().innerText()).resolves.toContain("Alex Agent is viewing this page");
    await viewer.screenshot({ path: screenshotPath("away-agent-04-reconnected") });
    expect(visitor.problems).toEqual([]);
  }, 90_000);
});
