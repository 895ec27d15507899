import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { answers, openCastAgent, openCastVisitor, startCobrowseAirlock, startFromList, visitorSession, type CastMember, type CastVisitor } from "./cobrowse-cast.js";
import type { DemoAirlock } from "./demo-airlock.js";

// After a "no" the agent is told at once, in a sentence, when it may ask again; the server holds
// the question back for the policy's pause (the agent reloading the viewer puts no prompt before
// the visitor either), and offers "ask again" only once the pause is over — for sharing and for
// control. Policy consentPause is set to 8 s here. Screenshots: test-results/screenshots/declined-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("a no is told at once and holds for the policy's pause (Chromium, real relay)", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let visitor: CastVisitor;
  let alex: CastMember;
  let session = "";
  const notice = () => alex.page.getByRole("alert");

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startCobrowseAirlock([["consentPause: { seconds: 60,", "consentPause: { seconds: 8,"]]);
    tb = await launchBrowser();
    visitor = await openCastVisitor(tb.browser, demo, "declined");
    session = await visitorSession(visitor);
    alex = await openCastAgent(tb.browser, demo, "agent", "/console/cobrowse", "declined");
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });

  it("sharing declined: the agent reads it at once with the pause; nobody can ask the visitor again before it is over", async () => {
    await startFromList(alex, session, "Start co-browsing");
    await visitor.page.getByRole("dialog", { name: "Share this page with Alex Agent?" }).getByRole("button", { name: "No, thanks" }).click();
    await expect.poll(() => notice().innerText()).toMatch(/^The visitor declined to share the page with you\. You can ask again in [1-8] seconds?\.$/);
    expect(await alex.page.getByRole("button", { name: "Ask the visitor again" }).count()).toBe(0);
    await alex.shot("01-declined-told");

    // Reloading the viewer (the same agent taking its seat again) asks nobody: told again at once.
    await alex.page.reload();
    await expect.poll(() => notice().innerText()).toContain("The visitor declined to share the page with you.");
    expect(await visitor.page.getByRole("dialog").filter({ hasText: "Alex Agent" }).count()).toBe(0);
    expect(answers(visitor)).toEqual(["view:denied"]);

    // When the pause is over the server offers the question again; asked, the visitor shares.
    await alex.page.getByRole("button", { name: "Ask the visitor again" }).click({ timeout: 20_000 });
    await visitor.page.getByRole("dialog", { name: "Share this page with Alex Agent?" }).getByRole("button", { name: "Share my screen" }).click();
    await alex.page.frameLocator("iframe").locator("h1").first().waitFor();
    expect(await notice().isHidden()).toBe(true);
    expect(answers(visitor)).toEqual(["view:denied", "view:granted"]);
  });

  it("control declined: told at once with the pause; Request control comes back only after it", async () => {
    await alex.page.getByRole("button", { name: "Request control" }).click();
    await visitor.page.getByRole("dialog", { name: "Let Alex Agent control this page?" }).getByRole("button", { name: "No, thanks" }).click();
    await expect.poll(() => notice().innerText()).toMatch(/^The visitor declined control\. You can ask again in [1-8] seconds?\.$/);
    expect(await alex.page.getByRole("button", { name: "Request control" }).count()).toBe(0);
    await expect(alex.page.locator(".cb-status").innerText()).resolves.toBe("You are viewing the visitor's page");
    await alex.shot("02-control-declined-told");
    await alex.page.getByRole("button", { name: "Request control" }).waitFor({ timeout: 20_000 });
    expect(answers(visitor)).toEqual(["view:denied", "view:granted", "control:denied"]);
    expect([...visitor.problems, ...alex.problems]).toEqual([]);
  });
});
