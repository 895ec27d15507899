import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInEnrolled } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { openCastAgent, openCastVisitor, sessionRow, startCobrowseAirlock, startFromList, visitorSession, type CastMember, type CastVisitor } from "./cobrowse-cast.js";
import type { DemoAirlock } from "./demo-airlock.js";

// The console offers only what the server allows, for that user and that session. With control
// mode switched off in policy, agent Alex (whose role lists cobrowse:control) gets no "Request
// control"; before the visitor lets him watch he has nothing but Leave. Vera (agent-viewer, no
// cobrowse:join) sees "Start co-browsing" for a visitor nobody serves and no button at all for
// a session Alex runs, which the server would refuse her; Sam (supervisor) sees "Join" there.
// Screenshots: test-results/screenshots/actions-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("console buttons come from the server's decision per user and session (Chromium, real relay)", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let served: CastVisitor;
  let idle: CastVisitor;
  let alex: CastMember;
  let servedSession = "";
  let idleSession = "";

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startCobrowseAirlock([["  control: { enabled: true }", "  control: { enabled: false }"]]);
    tb = await launchBrowser();
    served = await openCastVisitor(tb.browser, demo, "actions-served");
    idle = await openCastVisitor(tb.browser, demo, "actions-idle");
    servedSession = await visitorSession(served);
    idleSession = await visitorSession(idle);
    alex = await openCastAgent(tb.browser, demo, "agent", "/console/cobrowse", "actions");
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });

  it("an agent whose role may control gets no Request control where policy switches control off, and nothing but Leave before the visitor's yes", async () => {
    await startFromList(alex, servedSession, "Start co-browsing");
    const prompt = served.page.getByRole("dialog", { name: "Share this page with Alex Agent?" });
    await prompt.waitFor();
    const toolbar = alex.page.getByRole("toolbar", { name: "Co-browse tools" });
    await toolbar.getByRole("button", { name: "Leave session" }).waitFor();
    expect(await toolbar.getByRole("button").allInnerTexts()).toEqual(["Leave session"]);
    await prompt.getByRole("button", { name: "Share my screen" }).click();
    await alex.page.frameLocator("iframe").locator("h1").first().waitFor();
    await expect.poll(() => alex.page.getByTestId("cb-watchers").innerText()).toBe("Watching now: Alex Agent (you)");
    expect(await toolbar.getByRole("button").allInnerTexts()).toEqual(["Leave session"]);
    await alex.shot("01-no-control-button");
  });

  it("an agent-viewer sees Start for a visitor nobody serves and no Join for a session another agent runs, which the server refuses her", async () => {
    const vera = await openCastAgent(tb.browser, demo, "viewer", "/console/cobrowse", "actions");
    await sessionRow(vera.page, idleSession).getByRole("button", { name: "Start co-browsing" }).waitFor();
    await expect.poll(() => sessionRow(vera.page, servedSession).innerText()).toContain("Sharing");
    expect(await sessionRow(vera.page, servedSession).getByRole("button").count()).toBe(0);
    await vera.shot("02-no-join-for-viewer");
    // The server's answer for that session is the same: not allowed.
    const { agent } = await signInEnrolled(demo.server, "viewer");
    expect((await agent.json(`${demo.server.url}/api/v1/cobrowse/sessions/${servedSession}/join`, "POST", {})).status).toBe(403);
    expect((await agent.json(`${demo.server.url}/api/v1/cobrowse/sessions/${servedSession}`, "GET")).body).toMatchObject({ actions: [] });
    expect((await agent.json(`${demo.server.url}/api/v1/cobrowse/sessions/${idleSession}`, "GET")).body).toMatchObject({ actions: ["start"] });
  });

  it("a supervisor sees Join for the running session", async () => {
    const sam = await openCastAgent(tb.browser, demo, "supervisor", "/console/cobrowse", "actions");
    await sessionRow(sam.page, servedSession).getByRole("button", { name: "Join" }).waitFor();
    await sam.shot("03-join-for-supervisor");
    expect([...served.problems, ...idle.problems, ...alex.problems, ...sam.problems]).toEqual([]);
  });
});
