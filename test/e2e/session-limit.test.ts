import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { replaceOnce, shipped } from "../policy/policy-dir.js";
import { ManualClock } from "../relay/ws-client.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { inGerman } from "./cobrowse-cast.js";
import { startDemoAirlock, type DemoAirlock } from "./demo-airlock.js";
import { signInAgent, type Person } from "./people.js";
import { PageCopyView } from "./page-copy-view.js";

// policies/cobrowse.yaml maxSession through the real server in Chromium, with a German visitor:
// a 10-minute limit on a manual relay clock. Five minutes before the end both sides see a
// countdown; at the limit the session ends and each side reads why (the visitor in German).
// Screenshots: test-results/screenshots/limit-*.png.

const suite = chromiumPath ? describe : describe.skip;
/** Waits for the page copy and the visitor's page: generous, the machine may be busy. */
const SLOW = { timeout: 20_000 };

suite("the session time limit (Chromium, real relay, German visitor)", () => {
  const clock = new ManualClock();
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let visitor: { page: Page; problems: string[]; shot(name: string): Promise<void> };
  let agent: Person;
  const notice = () => visitor.page.locator("[data-airlock-notice]");
  const endingBanner = () => agent.page.locator(".cb-banner[data-kind=ending]");

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startDemoAirlock({
      policies: () => ({ "cobrowse.yaml": replaceOnce(shipped("cobrowse.yaml"), "maxSession: { minutes: 120,", "maxSession: { minutes: 10,") }),
      start: { relayClock: clock },
    });
    tb = await launchBrowser();
    const page = await (await tb.browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    const problems: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
    page.on("pageerror", (e) => problems.push(e.message));
    await inGerman(page); // the same shop in German
    await page.goto(`${demo.origin}/demo`);
    visitor = { page, problems, shot: async (name) => void (await page.screenshot({ path: screenshotPath(`limit-visitor-${name}`) })) };
    agent = await signInAgent(tb.browser, demo.origin, "/console/cobrowse", "agent", "limit");
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  }, 90_000);

  it("warns both sides five minutes before the limit", async () => {
    await agent.page.getByRole("button", { name: /^Start co-browsing/ }).click();
    await visitor.page.getByRole("button", { name: "Bildschirm teilen" }).click();
    await expect.poll(() => new PageCopyView(agent.page).text("h1"), SLOW).toBe("Office goods for careful people");

    clock.advance(5 * 60_000 - 1);
    await expect(notice().count()).resolves.toBe(0);
    clock.advance(1);
    await notice().waitFor();
    await expect(notice().innerText()).resolves.toMatch(/Die Bildschirmfreigabe endet in [45]:\d\d: Die Sitzung erreicht ihre maximale Dauer\./);
    await endingBanner().waitFor();
    await expect(endingBanner().innerText()).resolves.toMatch(/^This session ends in [45]:\d\d: it reaches the time limit your organisation set for co-browse sessions\.$/);
    await visitor.shot("01-ending-soon");
    await agent.shot("01-ending-soon");
  }, 90_000);

  it("ends the session at the limit; each side reads why, and the audit names the rule", async () => {
    clock.advance(5 * 60_000);
    await expect.poll(() => visitor.page.getByRole("region", { name: "Bildschirmfreigabe mit dem Support" }).count()).toBe(0);
    await expect.poll(() => notice().innerText()).toContain("Die Bildschirmfreigabe wurde beendet");
    await expect(notice().innerText()).resolves.toContain("Die Sitzung hat ihre maximale Dauer erreicht.");
    await expect(agent.page.getByTestId("end-reason").innerText()).resolves.toBe("The session reached the longest time your organisation allows for one co-browse session.");
    await expect(endingBanner().isVisible()).resolves.toBe(false);
    await visitor.shot("02-ended-time-limit");
    await agent.shot("02-ended-time-limit");
    const end = () =>
      demo.server.services.storage.db.selectFrom("audit_log").select(["actor", "action", "rule"]).where("action", "=", "cobrowse.end.session_limit").executeTakeFirst();
    await expect.poll(end).toEqual({ actor: "system", action: "cobrowse.end.session_limit", rule: "cobrowse.maxSession" });
    expect(visitor.problems).toEqual([]);
  }, 90_000);
});
