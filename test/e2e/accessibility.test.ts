import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { openCastAgent, openCastVisitor, startCobrowseAirlock, startFromList, visitorSession, type CastMember, type CastVisitor } from "./cobrowse-cast.js";
import type { DemoAirlock } from "./demo-airlock.js";

// axe-core (WCAG 2.1 A and AA) on what people see of Airlock while co-browsing: the visitor's
// consent prompt and sharing bar with its watcher list (Airlock's UI only, not the shop page
// around it), and the agent's console with the co-browse list and the viewer (the page copy of the
// visitor's page excluded: that is the customer's markup). Zero violations.

const suite = chromiumPath ? describe : describe.skip;

suite("accessibility of the co-browse UI on both sides (axe-core, Chromium, real relay)", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let agent: CastMember;
  let visitor: CastVisitor;
  /** The visitor script's UI host (its shadow root holds the prompt, bar and widget). */
  const AIRLOCK_UI = "[data-airlock-ui]";

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startCobrowseAirlock();
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });

  it("the console's co-browse list has no violations", async () => {
    visitor = await openCastVisitor(tb.browser, demo, "a11y");
    agent = await openCastAgent(tb.browser, demo, "agent", "/console/cobrowse", "a11y");
    await agent.page.getByRole("heading", { level: 1 }).first().waitFor();
    await agent.shot("01-cobrowse-list");
    expect(await axeViolations(agent.page)).toEqual([]);
  });

  it("the visitor's consent prompt has no violations", async () => {
    const session = await visitorSession(visitor);
    await startFromList(agent, session, "Start co-browsing");
    await visitor.page.getByRole("dialog").first().waitFor();
    await visitor.shot("01-consent-prompt");
    expect(await axeViolations(visitor.page, { include: [AIRLOCK_UI] })).toEqual([]);
  });

  it("the sharing bar and the agent's viewer have no violations", async () => {
    await visitor.page.waitForTimeout(1200); // the prompt's guard time: a deliberate click comes later
    await visitor.page.getByRole("button", { name: "Share my screen" }).click();
    await visitor.bar().waitFor();
    await agent.page.locator("iframe").first().waitFor();
    await visitor.shot("02-sharing-bar");
    await agent.shot("02-viewer");
    expect(await axeViolations(visitor.page, { include: [AIRLOCK_UI] })).toEqual([]);
    expect(await axeViolations(agent.page, { exclude: ["iframe"] })).toEqual([]);
  });

  it("would report a violation inside Airlock's UI (the check can fail)", async () => {
    await visitor.page.evaluate((selector) => {
      const root = document.querySelector(selector)?.shadowRoot;
      root?.appendChild(document.createElement("button"));
    }, AIRLOCK_UI);
    expect((await axeViolations(visitor.page, { include: [AIRLOCK_UI] })).map((v) => v.id)).toContain("button-name");
  });
});
